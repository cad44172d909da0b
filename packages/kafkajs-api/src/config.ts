import type { TracingConfig } from '@fanin/core';
import type { TracingSettings } from '@fanin/core/adapter';
import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ConsumedBatch, ConsumedMessage, Message } from './api';

/**
 * The options of every instrumentation of a KafkaJS-API client. An adapter's
 * config extends this and narrows the hooks' arguments to its library's
 * types; the hooks are declared as methods so that such a narrowing is
 * allowed (method parameters are compared both ways).
 */
export interface KafkaApiConfig extends InstrumentationConfig, TracingConfig {
  /** Record `messaging.kafka.message.key` (as UTF-8, on links and message spans). Default false. */
  captureMessageKey?: boolean;
  /** Called with each producer span (one per message's creation context). */
  producerHook?(span: Span, info: { topic: string; message: Message }): void;
  /** Called with each `eachMessage` span and each per-message child span. */
  consumerHook?(
    span: Span,
    info: { topic: string; partition: number; message: ConsumedMessage },
  ): void;
  /** Called with each `eachBatch` span. */
  batchHook?(span: Span, info: { batch: ConsumedBatch }): void;
}

/** The settings the KafkaJS-API flows record with. */
export type KafkaTracingSettings = TracingSettings<KafkaApiConfig>;

/**
 * What differs between two clients of the KafkaJS API, as far as fanin is
 * concerned. Everything else (where `run`, `send` and transactions are,
 * what a message looks like) is the API itself.
 */
export interface KafkaApiDialect {
  /** The library as users know it, e.g. `kafkajs`: named in fanin's reports. */
  library: string;
  /** The consumer group of the config given to `kafka.consumer(config)`. */
  groupId(config: unknown): string | undefined;
  /**
   * What `producer.transaction()` resolves with: a transaction object of its
   * own (kafkajs), or the producer itself (Confluent's client, where a
   * producer has one transaction at a time and `send`, `sendOffsets`,
   * `commit` and `abort` are the producer's).
   */
  transaction: 'own-object' | 'the-producer';
}
