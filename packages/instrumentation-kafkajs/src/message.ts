import {
  callHook,
  type MessageSpan,
  messagingSpanName,
  runInSpan,
  startMessageSpan,
  warnOnceIfNoopSpan,
} from '@fanin/core';
import { diag } from '@opentelemetry/api';
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
    const started = settings && startKafkaMessageSpan(settings, groupId, payload);
    if (started === undefined) return handler.call(this, payload);
    const { span } = started;
    return runInSpan(
      span,
      started.context,
      () => handler.call(this, payload),
      () => span.end(),
    );
  };
}

function startKafkaMessageSpan(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  { topic, partition, message }: EachMessagePayload,
): MessageSpan | undefined {
  try {
    const started = startMessageSpan(settings.tracer, {
      name: messagingSpanName('process', topic),
      attributes: messageSpanAttributes(settings, topic, partition, groupId, message),
      headers: message.headers,
      mode: settings.config.messageContext ?? 'parent+link',
    });
    warnOnceIfNoopSpan(started.span);
    callHook('consumerHook', settings.config.consumerHook, started.span, {
      topic,
      partition,
      message,
    });
    return started;
  } catch (error) {
    diag.error('fanin: could not start the eachMessage span; the message runs untraced', error);
    return undefined;
  }
}
