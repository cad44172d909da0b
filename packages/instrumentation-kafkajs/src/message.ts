import {
  ContextExtractor,
  callHook,
  messagingSpanName,
  runInSpan,
  warnOnceIfNoopSpan,
} from '@fanin/core';
import { type Context, context, diag, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { EachMessageHandler, EachMessagePayload } from 'kafkajs';
import { messageSpanAttributes } from './attributes';
import type { KafkaTracingSettings } from './settings';

/**
 * Wraps an `eachMessage` handler: each message is processed inside a
 * `process {topic}` span linked to its producer and, with `parent+link`
 * (the default), parented to it.
 */
export function traceEachMessage(
  getSettings: () => KafkaTracingSettings | undefined,
  groupId: string | undefined,
  handler: EachMessageHandler,
): EachMessageHandler {
  return function tracedEachMessage(this: unknown, payload: EachMessagePayload) {
    const settings = getSettings();
    const started = settings && startMessageSpan(settings, groupId, payload);
    if (started === undefined) return handler.call(this, payload);
    const [span, spanContext] = started;
    return runInSpan(
      span,
      spanContext,
      () => handler.call(this, payload),
      () => span.end(),
    );
  };
}

function startMessageSpan(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  { topic, partition, message }: EachMessagePayload,
): [Span, Context] | undefined {
  try {
    const producer = new ContextExtractor().extract(message.headers);
    const parent =
      producer.status === 'valid' && settings.config.messageContext !== 'link-only'
        ? producer.context
        : context.active();
    const span = settings.tracer.startSpan(
      messagingSpanName('process', topic),
      {
        kind: SpanKind.CONSUMER,
        attributes: messageSpanAttributes(settings, topic, partition, groupId, message),
        links: producer.spanContext ? [{ context: producer.spanContext }] : [],
      },
      parent,
    );
    warnOnceIfNoopSpan(span);
    callHook('consumerHook', settings.config.consumerHook, span, { topic, partition, message });
    return [span, trace.setSpan(parent, span)];
  } catch (error) {
    diag.error('fanin: could not start the eachMessage span; the message runs untraced', error);
    return undefined;
  }
}
