import type { KafkaApiConfig } from '@fanin/kafkajs-api';
import type { Span } from '@opentelemetry/api';
import type { Batch, KafkaMessage, Message } from 'kafkajs';

/** What the producer hook is told about a message being sent. */
export interface ProducerHookInfo {
  topic: string;
  message: Message;
}

/** What the consumer hook is told about a message being processed. */
export interface ConsumerHookInfo {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** What the batch hook is told about the batch of an `eachBatch` call. */
export interface BatchHookInfo {
  batch: Batch;
}

/**
 * Also `captureMessageKey` (@fanin/kafkajs-api) and core's `TracingConfig`: `maxLinksPerSpan`, `overflow`,
 * `semconvStability`, `perMessageSpans`, `messageContext`,
 * `consumerSpanParent`, `overwriteExistingContext`, `processWarnings`.
 */
export interface KafkaJsInstrumentationConfig extends KafkaApiConfig {
  /** Called with each producer span (one per message's creation context). */
  producerHook?: (span: Span, info: ProducerHookInfo) => void;
  /** Called with each `eachMessage` span and each per-message child span. */
  consumerHook?: (span: Span, info: ConsumerHookInfo) => void;
  /** Called with each `eachBatch` span. */
  batchHook?: (span: Span, info: BatchHookInfo) => void;
}
