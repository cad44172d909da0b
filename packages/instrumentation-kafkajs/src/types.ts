import type { MessageContextMode, TracingConfig } from '@fanin/core';
import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
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

/** Also `maxLinksPerSpan`, `overflow` and `semconvStability`, from core's `TracingConfig`. */
export interface KafkaJsInstrumentationConfig extends InstrumentationConfig, TracingConfig {
  /** Also start a child span per message of an `eachBatch` call. Default false. */
  perMessageSpans?: boolean;
  /**
   * How an `eachMessage` span relates to the producer: `parent+link` (default)
   * makes the producer its parent and links it; `link-only` keeps the ambient
   * parent (normally none) and links the producer.
   */
  messageContext?: MessageContextMode;
  /** Record `messaging.kafka.message.key` (as UTF-8, on links and message spans). Default false. */
  captureMessageKey?: boolean;
  /** Replace a trace context a message already carries when sending it. Default false. */
  overwriteExistingContext?: boolean;
  /** Called with each producer span (one per message's creation context). Must not throw. */
  producerHook?: (span: Span, info: ProducerHookInfo) => void;
  /** Called with each `eachMessage` span and each per-message child span. */
  consumerHook?: (span: Span, info: ConsumerHookInfo) => void;
  /** Called with each `eachBatch` span. */
  batchHook?: (span: Span, info: BatchHookInfo) => void;
}
