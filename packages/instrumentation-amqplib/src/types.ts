import type { TracingConfig } from '@fanin/core';
import type { Settlement } from '@fanin/core/adapter';
import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * The parts of an amqplib message fanin reads. amqplib's own `Message` and
 * `ConsumeMessage` types (0.10.x through `@types/amqplib`, 2.x bundled) fit
 * it, so fanin's declarations do not depend on either.
 */
export interface AmqpMessage {
  content: Buffer;
  fields: {
    deliveryTag: number;
    redelivered: boolean;
    exchange: string;
    routingKey: string;
    consumerTag?: string;
  };
  properties: {
    headers?: Record<string, unknown> | undefined;
    messageId?: unknown;
    correlationId?: unknown;
  };
}

export type { Settlement };

/** The publish options fanin reads and extends (amqplib's `Options.Publish`). */
export interface AmqpPublishOptions {
  headers?: Record<string, unknown> | undefined;
  messageId?: unknown;
  correlationId?: unknown;
}

/** What the publish hook is told about a message being published. */
export interface PublishHookInfo {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** The options as published: a copy of the caller's, with the trace context in `headers`. */
  options: AmqpPublishOptions | undefined;
  isConfirmChannel: boolean;
}

/** What the consume hook is told about a delivery being processed. */
export interface ConsumeHookInfo {
  queue: string;
  message: AmqpMessage;
}

/** What the consume-end hook is told when a delivery's span ends. */
export interface ConsumeEndHookInfo {
  queue: string;
  message: AmqpMessage;
  settlement: Settlement;
  /** With `nack` and `reject`: whether the broker requeues the message. */
  requeue: boolean | undefined;
}

/** What the batch hook is told about a `consumeBatch` batch. */
export interface BatchHookInfo {
  queue: string;
  messages: readonly AmqpMessage[];
}

/**
 * Also core's `TracingConfig`: `maxLinksPerSpan`, `overflow`,
 * `semconvStability`, `perMessageSpans` (for `consumeBatch`), `messageContext`
 * (for `consume` deliveries), `consumerSpanParent`, `overwriteExistingContext`,
 * `processWarnings`.
 */
export interface AmqplibInstrumentationConfig extends InstrumentationConfig, TracingConfig {
  /**
   * A delivery's `process` span ends at its ack, nack or reject, at channel
   * close or error, or after this many milliseconds without one (`timeout`).
   * Default 60000; 0 waits for settlement forever.
   */
  consumeTimeoutMs?: number;
  /**
   * When one call settles several traced deliveries at once (`ack(msg, true)`,
   * `nack(msg, true)`, `ackAll`, `nackAll`), also record one `ack {queue}` /
   * `nack {queue}` settle span linked to the producer of every delivery it
   * covers. Default true.
   */
  batchSettlementSpans?: boolean;
  /** Called with each publish span, before the message goes out. */
  publishHook?: (span: Span, info: PublishHookInfo) => void;
  /** Called with each delivery's `process` span, before the consumer callback runs. */
  consumeHook?: (span: Span, info: ConsumeHookInfo) => void;
  /** Called just before a delivery's `process` span ends. */
  consumeEndHook?: (span: Span, info: ConsumeEndHookInfo) => void;
  /** Called with each `consumeBatch` span, before the handler runs. */
  batchHook?: (span: Span, info: BatchHookInfo) => void;
}
