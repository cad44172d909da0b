import { contextKey, reachableLinks } from '@fanin/test-utils';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AGGREGATE_SPAN_NAME } from './aggregator';
import type { ReceivedTotal } from './downstream';
import { ATTR_APP_SERVICE, type ProducedOrder } from './upstream';

export interface Verdict {
  ordersProduced: number;
  ordersAggregated: number;
  /** Produced orders whose producer span is linked from exactly one aggregate. */
  ordersLinkedOnce: number;
  /** Produced orders linked from more than one aggregate (must be 0). */
  ordersLinkedTwice: number;
  aggregates: number;
  /** Aggregates whose result the downstream service handled in the aggregate's trace. */
  aggregatesContinuedDownstream: number;
  traces: number;
  ok: boolean;
}

export function computeVerdict(
  spans: readonly ReadableSpan[],
  produced: readonly ProducedOrder[],
  received: readonly ReceivedTotal[],
): Verdict {
  const aggregates = spans.filter((span) => span.name === AGGREGATE_SPAN_NAME);
  const linkedFrom = new Map<string, number>();
  for (const aggregate of aggregates) {
    for (const key of reachableLinks(aggregate, spans))
      linkedFrom.set(key, (linkedFrom.get(key) ?? 0) + 1);
  }
  const counts = produced.map((order) => linkedFrom.get(order.producerKey) ?? 0);
  const downstreamTraces = new Set(received.map(({ traceId }) => traceId));
  const verdict = {
    ordersProduced: produced.length,
    ordersAggregated: aggregates.reduce(
      (sum, span) => sum + Number(span.attributes['app.window.orders'] ?? 0),
      0,
    ),
    ordersLinkedOnce: counts.filter((count) => count === 1).length,
    ordersLinkedTwice: counts.filter((count) => count > 1).length,
    aggregates: aggregates.length,
    aggregatesContinuedDownstream: aggregates.filter((span) =>
      downstreamTraces.has(span.spanContext().traceId),
    ).length,
    traces: new Set(spans.map((span) => span.spanContext().traceId)).size,
  };
  return {
    ...verdict,
    ok:
      verdict.ordersProduced > 0 &&
      verdict.ordersAggregated === verdict.ordersProduced &&
      verdict.ordersLinkedOnce === verdict.ordersProduced &&
      verdict.ordersLinkedTwice === 0 &&
      verdict.aggregatesContinuedDownstream === verdict.aggregates,
  };
}

export function verdictLine(v: Verdict): string {
  return (
    `verdict: ${v.ordersProduced} orders produced · ${v.ordersAggregated} aggregated · ` +
    `${v.ordersLinkedOnce} linked from exactly one aggregate · ${v.aggregates} aggregates ` +
    `(${v.aggregatesContinuedDownstream} continued downstream) · ${v.traces} traces  ` +
    (v.ok ? '✔ every order is linked from exactly one aggregate' : '✘ MISMATCH')
  );
}

const short = (id: string) => `${id.slice(0, 8)}…`;
const time = (iso: unknown) => String(iso ?? '').slice(11, 19);

/** The fan-in of one aggregate, drawn as a tree. */
export function drawAggregate(
  aggregate: ReadableSpan,
  spans: readonly ReadableSpan[],
  maxLinks = 8,
): string {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const producers = new Map(
    spans
      .filter((span) => span.kind === SpanKind.PRODUCER)
      .map((span) => [contextKey(span.spanContext()), span]),
  );
  const a = aggregate.attributes;
  const lines = [
    `${aggregate.name}  ${a['app.customer']}  window ${time(a['app.window.start'])} · ` +
      `${a['app.window.orders']} orders · ${a['fanin.links.kept']} links on the span, ` +
      `${a['fanin.links.spilled']} spilled · trace ${short(aggregate.spanContext().traceId)}`,
  ];
  const keys = reachableLinks(aggregate, spans);
  const links = [
    aggregate,
    ...spans.filter((s) => s.parentSpanContext?.spanId === aggregate.spanContext().spanId),
  ].flatMap((span) => span.links);
  for (const link of links.slice(0, maxLinks)) {
    const producer = producers.get(contextKey(link.context));
    const request = byId.get(producer?.parentSpanContext?.spanId ?? '');
    const service = String(request?.attributes[ATTR_APP_SERVICE] ?? '?').padEnd(11);
    lines.push(
      ` ├─ link ◀ ${service} ${producer?.name ?? 'producer'}  trace ${short(link.context.traceId)}  ` +
        `partition ${link.attributes?.['messaging.destination.partition.id']} offset ${link.attributes?.['messaging.kafka.offset']}`,
    );
  }
  if (keys.length > maxLinks) lines.push(` ├─ … ${keys.length - maxLinks} more links`);
  const send = spans.find(
    (span) =>
      span.kind === SpanKind.PRODUCER &&
      span.parentSpanContext?.spanId === aggregate.spanContext().spanId,
  );
  const downstream =
    send && spans.find((span) => span.parentSpanContext?.spanId === send.spanContext().spanId);
  lines.push(
    ` └─ ${send?.name ?? '(no result sent)'}` +
      (downstream
        ? `\n     └─ ${downstream.name} (downstream)  trace ${short(downstream.spanContext().traceId)}` +
          (downstream.spanContext().traceId === aggregate.spanContext().traceId
            ? '  ✔ same trace'
            : '  ✘ other trace')
        : '\n     └─ (not consumed downstream)'),
  );
  return lines.join('\n');
}

/** The final picture: the first `show` aggregates drawn in full. */
export function drawPicture(spans: readonly ReadableSpan[], show: number): string {
  const aggregates = spans
    .filter((span) => span.name === AGGREGATE_SPAN_NAME)
    .sort(
      (a, b) =>
        Number(b.attributes['app.window.orders']) - Number(a.attributes['app.window.orders']),
    );
  const drawn = aggregates.slice(0, show).map((aggregate) => drawAggregate(aggregate, spans));
  if (aggregates.length > show) drawn.push(`… and ${aggregates.length - show} more aggregates`);
  return drawn.join('\n\n');
}
