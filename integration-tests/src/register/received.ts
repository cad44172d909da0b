// Reading what an OTLP receiver got from a worker: fan-in batch spans, their
// links, and metric totals; and the transcript the closing note shows.
import type {
  FakeOtlpReceiver,
  OtlpKeyValue,
  ReceivedMetric,
  ReceivedSpan,
} from '../datadog/fake-otlp-receiver';

/** OTLP's SPAN_KIND_CONSUMER. */
export const CONSUMER = 5;

/** A string, number or boolean attribute value (JSON carries int64 as a string). */
export function attributeOf(attributes: OtlpKeyValue[] | undefined, key: string): unknown {
  const value = attributes?.find((attribute) => attribute.key === key)?.value;
  if (value === undefined) return undefined;
  if ('intValue' in value) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

/** Root `process {destination}` CONSUMER spans: one per batch. */
export function batchSpans(receiver: FakeOtlpReceiver, destination: string): ReceivedSpan[] {
  return receiver.received.filter(
    ({ span }) =>
      span.name === `process ${destination}` &&
      span.kind === CONSUMER &&
      !span.parentSpanId &&
      attributeOf(span.attributes, 'messaging.batch.message_count') !== undefined,
  );
}

/** The sum of `messaging.batch.message_count` over `spans`. */
export function batchMessageCount(spans: ReceivedSpan[]): number {
  return spans.reduce(
    (sum, { span }) => sum + Number(attributeOf(span.attributes, 'messaging.batch.message_count')),
    0,
  );
}

/** `traceId/spanId` of every link of `spans`, duplicates kept. */
export function linkKeys(spans: ReceivedSpan[]): string[] {
  return spans.flatMap(({ span }) =>
    (span.links ?? []).map((link) => `${link.traceId}/${link.spanId}`),
  );
}

/** The data points of metric `name` whose `messaging.destination.name` is `destination`. */
export function metricPoints(receiver: FakeOtlpReceiver, name: string, destination: string) {
  // Cumulative (the SDK's default): the last export of each scope holds the totals.
  const latest = new Map<string, ReceivedMetric>();
  for (const received of receiver.metrics) {
    if (received.metric.name === name) latest.set(received.scope, received);
  }
  const metrics = [...latest.values()];
  const points = metrics.flatMap(({ metric }) => [
    ...(metric.sum?.dataPoints ?? []).map((point) => ({
      attributes: point.attributes,
      value: Number(point.asInt ?? point.asDouble ?? 0),
      count: 1,
    })),
    ...(metric.histogram?.dataPoints ?? []).map((point) => ({
      attributes: point.attributes,
      value: Number(point.sum ?? 0),
      count: Number(point.count),
    })),
  ]);
  return {
    metrics,
    points: points.filter(
      (point) => attributeOf(point.attributes, 'messaging.destination.name') === destination,
    ),
  };
}

/** The sum of the values (counters) or of the sums (histograms), and the histogram counts. */
export function metricTotal(receiver: FakeOtlpReceiver, name: string, destination: string) {
  const { metrics, points } = metricPoints(receiver, name, destination);
  return {
    exported: metrics.length > 0,
    unit: metrics[0]?.metric.unit ?? '',
    kind: metrics[0]?.metric.histogram
      ? 'histogram'
      : metrics[0]?.metric.sum
        ? 'sum'
        : metrics[0]?.metric.gauge
          ? 'gauge'
          : 'none',
    value: points.reduce((sum, point) => sum + point.value, 0),
    count: points.reduce((sum, point) => sum + point.count, 0),
  };
}

/** What arrived, line by line: spans by name with their link counts, metrics with their totals. */
export function transcript(receiver: FakeOtlpReceiver, destination: string): string[] {
  const lines: string[] = [];
  const requests = new Map<string, number>();
  receiver.paths.forEach((path, i) => {
    const key = `${path} ${receiver.contentTypes[i]}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
  });
  for (const [key, count] of requests) lines.push(`request ${key} x${count}`);
  const resource = receiver.received[0]?.resource ?? receiver.metrics[0]?.resource ?? [];
  lines.push(
    `resource service.name=${String(attributeOf(resource, 'service.name'))} ` +
      `deployment.environment=${String(attributeOf(resource, 'deployment.environment'))}`,
  );
  for (const { span, scope } of receiver.received) {
    const messages = attributeOf(span.attributes, 'messaging.batch.message_count');
    lines.push(
      `span "${span.name}" kind=${span.kind} scope=${scope} links=${span.links?.length ?? 0}` +
        (messages === undefined ? '' : ` messaging.batch.message_count=${String(messages)}`),
    );
  }
  const names = [...new Set(receiver.metrics.map(({ metric }) => metric.name))].sort();
  const others: string[] = [];
  for (const name of names) {
    const total = metricTotal(receiver, name, destination);
    if (total.count === 0) {
      others.push(name);
      continue;
    }
    lines.push(
      `metric ${name} (${total.kind}, unit "${total.unit}") for ${destination}: ` +
        (total.kind === 'histogram'
          ? `count=${total.count} sum=${total.value}`
          : `value=${total.value}`),
    );
  }
  if (others.length > 0) lines.push(`metrics of other instrumentations: ${others.join(', ')}`);
  return lines;
}

export type { ReceivedMetric };
