import {
  ContextExtractor,
  callHook,
  collectLinks,
  type FanInSpan,
  type MessageReader,
  messagingSpanName,
  runInSpan,
  startFanInSpan,
  warnOnceIfNoopSpan,
} from '@fanin/core';
import { diag, type Link, type Span, SpanKind } from '@opentelemetry/api';
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
    const fanIn = startFanInSpan(settings.tracer, {
      name: messagingSpanName('process', topic),
      kind: SpanKind.CONSUMER,
      attributes,
      links: collectLinks(batch.messages, reader),
      limits: settings.limits,
    });
    warnOnceIfNoopSpan(fanIn.span);
    callHook('batchHook', settings.config.batchHook, fanIn.span, { batch });
    return settings.config.perMessageSpans
      ? withMessageSpans(settings, groupId, batch, fanIn)
      : fanIn;
  } catch (error) {
    diag.error('fanin: could not start the eachBatch span; the batch runs untraced', error);
    return undefined;
  }
}

/** Adds one child span per message, linked to its producer and ended with the batch. */
function withMessageSpans(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  batch: Batch,
  fanIn: FanInSpan,
): FanInSpan {
  const extractor = new ContextExtractor();
  const name = messagingSpanName('process', batch.topic);
  const spans: Span[] = batch.messages.map((message) => {
    const producer = extractor.extract(message.headers).spanContext;
    const links: Link[] = producer ? [{ context: producer }] : [];
    const span = settings.tracer.startSpan(
      name,
      {
        kind: SpanKind.CONSUMER,
        attributes: messageSpanAttributes(settings, batch.topic, batch.partition, groupId, message),
        links,
      },
      fanIn.context,
    );
    callHook('consumerHook', settings.config.consumerHook, span, {
      topic: batch.topic,
      partition: batch.partition,
      message,
    });
    return span;
  });
  return {
    ...fanIn,
    end(endTime) {
      for (const span of spans) span.end(endTime);
      fanIn.end(endTime);
    },
  };
}
