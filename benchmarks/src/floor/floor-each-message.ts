import {
  type Attributes,
  context,
  type Histogram,
  type MeterProvider,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import type { EachMessageHandler } from 'kafkajs';
import { headerText, parseTraceparent } from './parse-traceparent';

/** The conventions' per-message processing metric, as a hand-written wrapper would record it. */
export interface FloorMetrics {
  meterProvider: MeterProvider;
  /** The consumer group, one of the metric's attributes. */
  groupId: string;
}

const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/**
 * The reference span of one message: the least a hand-written eachMessage
 * wrapper on the stock SDK does for the span model fanin records, with no
 * fanin code. Each call starts one CONSUMER span `process <topic>` whose
 * parent is the producer (parsed from the W3C `traceparent` header by hand)
 * and, when it records, links it to the producer too; runs the handler in
 * the span's context and ends the span when the handler settles. A message
 * without a valid `traceparent` starts a new trace. With `metrics`, it also
 * records `messaging.process.duration` once per message with the
 * conventions' attributes (one attribute set per partition, made once).
 */
export function floorEachMessage(
  handler: EachMessageHandler,
  metrics?: FloorMetrics,
): EachMessageHandler {
  const tracer = trace.getTracer('fanin-benchmarks-floor');
  const recordDuration = metrics && durationRecorder(metrics);
  return async (payload) => {
    const startedAt = recordDuration && performance.now();
    const text = headerText(payload.message.headers?.traceparent);
    const producer = text === undefined ? undefined : parseTraceparent(text);
    const parent =
      producer === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, producer);
    const span = tracer.startSpan(`process ${payload.topic}`, { kind: SpanKind.CONSUMER }, parent);
    if (producer !== undefined && span.isRecording()) span.addLink({ context: producer });
    try {
      await context.with(trace.setSpan(parent, span), handler, undefined, payload);
    } finally {
      span.end();
      if (recordDuration && startedAt !== undefined) {
        recordDuration(payload.topic, payload.partition, (performance.now() - startedAt) / 1000);
      }
    }
  };
}

function durationRecorder(
  metrics: FloorMetrics,
): (topic: string, partition: number, seconds: number) => void {
  const histogram: Histogram = metrics.meterProvider
    .getMeter('fanin-benchmarks-floor')
    .createHistogram('messaging.process.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  const attributeSets = new Map<string, Map<number, Attributes>>();
  return (topic, partition, seconds) => {
    let ofTopic = attributeSets.get(topic);
    if (ofTopic === undefined) {
      ofTopic = new Map();
      attributeSets.set(topic, ofTopic);
    }
    let attributes = ofTopic.get(partition);
    if (attributes === undefined) {
      attributes = {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': metrics.groupId,
        'messaging.destination.partition.id': String(partition),
      };
      ofTopic.set(partition, attributes);
    }
    histogram.record(seconds, attributes);
  };
}
