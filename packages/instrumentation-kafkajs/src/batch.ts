import {
  callHook,
  collectLinks,
  type FanInSpan,
  type MessageReader,
  messagingSpanName,
  runInSpan,
  startFanInSpan,
  warnOnceIfNoopSpan,
  withMessageSpans,
} from '@fanin/core';
import { diag, SpanKind } from '@opentelemetry/api';
import type { Batch, EachBatchHandler, EachBatchPayload, KafkaMessage } from 'kafkajs';
import {
  consumedMessageAttributes,
  messageSpanAttributes,
  operationAttributes,
} from './attributes';
import type { KafkaTracingSettings } from './settings';

/**
 * Wraps an `eachBatch` handler: each call runs inside ONE `process {topic}`
 * span linked to the producer of every message in the batch. The payload is
 * handed over untouched, so resolveOffset, heartbeat, pause and the rest
 * behave as without instrumentation.
 */
export function traceEachBatch(
  getSettings: () => KafkaTracingSettings | undefined,
  groupId: string | undefined,
  handler: EachBatchHandler,
): EachBatchHandler {
  return function tracedEachBatch(this: unknown, payload: EachBatchPayload) {
    const settings = getSettings();
    const fanIn = settings && startBatchSpan(settings, groupId, payload.batch);
    if (fanIn === undefined) return handler.call(this, payload);
    return runInSpan(fanIn.span, fanIn.context, () => handler.call(this, payload), fanIn.end);
  };
}

function startBatchSpan(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  batch: Batch,
): FanInSpan | undefined {
  try {
    const { topic, partition } = batch;
    const reader: MessageReader<KafkaMessage> = {
      headers: (message) => message.headers,
      linkAttributes: (message) => consumedMessageAttributes(settings, partition, message),
    };
    const attributes = operationAttributes(settings, 'process', topic);
    settings.names.consumerGroup(attributes, groupId);
    settings.names.partition(attributes, partition);
    const name = messagingSpanName('process', topic);
    const fanIn = startFanInSpan(settings.tracer, {
      name,
      kind: SpanKind.CONSUMER,
      attributes,
      links: collectLinks(batch.messages, reader),
      limits: settings.limits,
    });
    warnOnceIfNoopSpan(fanIn.span);
    callHook('batchHook', settings.config.batchHook, fanIn.span, { batch });
    if (!settings.config.perMessageSpans) return fanIn;
    return withMessageSpans(settings.tracer, fanIn, name, batch.messages, {
      headers: (message) => message.headers,
      attributes: (message) => messageSpanAttributes(settings, topic, partition, groupId, message),
      onStart: (span, message) =>
        callHook('consumerHook', settings.config.consumerHook, span, { topic, partition, message }),
    });
  } catch (error) {
    diag.error('fanin: could not start the eachBatch span; the batch runs untraced', error);
    return undefined;
  }
}
