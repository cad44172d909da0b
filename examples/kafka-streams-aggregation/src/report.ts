import { contextKey, reachableLinks } from '@fanin/test-utils';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AGGREGATE_SPAN_NAME, ATTR_AGGREGATOR_PID } from './aggregator';
import type { DeliveryMode } from './delivery';
import type { ReceivedTotal } from './downstream';
import type { GroupReport } from './group';
import { ATTR_APP_SERVICE, type ProducedOrder } from './upstream';

/** Orders linked from more than one committed aggregate, by why (plain mode only). */
export interface Duplicates {
  orders: number;
  /** The first aggregate was emitted by the killed process, which died before committing its offsets. */
  emittedByKilledProcess: number;
  /** The first aggregate was emitted by a live process that lost the partition before its commit. */
  emittedBeforeRebalance: number;
}

export interface Verdict {
  mode: DeliveryMode;
  ordersProduced: number;
  /** Orders counted by the committed aggregates (duplicates included). */
  ordersAggregated: number;
  /** Produced orders whose producer span is linked from exactly one committed aggregate. */
  ordersLinkedOnce: number;
  /** Produced orders linked from more than one committed aggregate. */
  ordersLinkedTwice: number;
  /** Produced orders no committed aggregate links. */
  ordersNotLinked: number;
  duplicates: Duplicates;
  /** Aggregates whose result reached `order-totals` (committed; read with read_committed). */
  aggregates: number;
  /** Aggregate spans exported whose result was never committed (an aborted transaction). */
  aggregatesNotCommitted: number;
  /** Results read downstream whose aggregate span never reached the demo (lost with a killed process). */
  resultsWithoutSpan: number;
  /** Aggregates whose result the downstream service handled in the aggregate's trace. */
  aggregatesContinuedDownstream: number;
  traces: number;
  group: GroupReport | undefined;
  ok: boolean;
}

const keyOf = (span: ReadableSpan) => contextKey(span.spanContext());

/** The span that sent an aggregate's result (its PRODUCER child). */
function sendSpanOf(aggregate: ReadableSpan, spans: readonly ReadableSpan[]) {
  const { spanId } = aggregate.spanContext();
  return spans.find(
    (span) => span.kind === SpanKind.PRODUCER && span.parentSpanContext?.spanId === spanId,
  );
}

/** Aggregate spans whose result was committed: the downstream service read it. */
export function committedAggregates(
  spans: readonly ReadableSpan[],
  received: readonly ReceivedTotal[],
): ReadableSpan[] {
  const sent = new Set(received.map((result) => result.sendKey));
  return spans.filter((span) => {
    if (span.name !== AGGREGATE_SPAN_NAME) return false;
    const send = sendSpanOf(span, spans);
    return send !== undefined && sent.has(keyOf(send));
  });
}

/**
 * The verdict, from the spans exported (by every process) and the committed
 * output (what the downstream service read with read_committed): transactional
 * mode wants every order linked from exactly one committed aggregate; plain
 * mode from at least one, its duplicates counted and explained.
 */
export function computeVerdict(
  spans: readonly ReadableSpan[],
  produced: readonly ProducedOrder[],
  received: readonly ReceivedTotal[],
  mode: DeliveryMode = 'transactional',
  group?: GroupReport,
): Verdict {
  const allAggregates = spans.filter((span) => span.name === AGGREGATE_SPAN_NAME);
  const aggregates = committedAggregates(spans, received);
  const linkedFrom = new Map<string, ReadableSpan[]>();
  for (const aggregate of aggregates) {
    for (const key of new Set(reachableLinks(aggregate, spans)))
      linkedFrom.set(key, [...(linkedFrom.get(key) ?? []), aggregate]);
  }
  const duplicates: Duplicates = {
    orders: 0,
    emittedByKilledProcess: 0,
    emittedBeforeRebalance: 0,
  };
  for (const order of produced) {
    const from = linkedFrom.get(order.producerKey) ?? [];
    if (from.length < 2) continue;
    duplicates.orders++;
    const first = [...from].sort(
      (a, b) => hrtimeToMicros(a.startTime) - hrtimeToMicros(b.startTime),
    )[0];
    if (first && first.attributes[ATTR_AGGREGATOR_PID] === group?.killedPid)
      duplicates.emittedByKilledProcess++;
    else duplicates.emittedBeforeRebalance++;
  }
  const counts = produced.map((order) => linkedFrom.get(order.producerKey)?.length ?? 0);
  const sendKeys = new Set(
    allAggregates.flatMap((span) => {
      const send = sendSpanOf(span, spans);
      return send ? [keyOf(send)] : [];
    }),
  );
  const downstreamTraces = new Set(received.map(({ traceId }) => traceId));
  const verdict = {
    mode,
    ordersProduced: produced.length,
    ordersAggregated: aggregates.reduce(
      (sum, span) => sum + Number(span.attributes['app.window.orders'] ?? 0),
      0,
    ),
    ordersLinkedOnce: counts.filter((count) => count === 1).length,
    ordersLinkedTwice: counts.filter((count) => count > 1).length,
    ordersNotLinked: counts.filter((count) => count === 0).length,
    duplicates,
    aggregates: aggregates.length,
    aggregatesNotCommitted: allAggregates.length - aggregates.length,
    resultsWithoutSpan: received.filter((result) => !sendKeys.has(result.sendKey)).length,
    aggregatesContinuedDownstream: aggregates.filter((span) =>
      downstreamTraces.has(span.spanContext().traceId),
    ).length,
    traces: new Set(spans.map((span) => span.spanContext().traceId)).size,
    group,
  };
  const linked =
    mode === 'transactional'
      ? verdict.ordersLinkedOnce === verdict.ordersProduced &&
        verdict.ordersLinkedTwice === 0 &&
        verdict.ordersAggregated === verdict.ordersProduced &&
        verdict.resultsWithoutSpan === 0
      : verdict.ordersNotLinked === 0 && verdict.ordersAggregated >= verdict.ordersProduced;
  const groupOk = group === undefined || group.killedPid === undefined || group.rebalanceSeen;
  return {
    ...verdict,
    ok:
      verdict.ordersProduced > 0 &&
      linked &&
      groupOk &&
      verdict.aggregatesContinuedDownstream === verdict.aggregates,
  };
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const hrtimeToMicros = ([seconds, nanos]: [number, number]) => seconds * 1e6 + nanos / 1e3;

/** The verdict's lines: the figures, the group's story, the duplicates explained. */
export function verdictLine(v: Verdict): string {
  const lines: string[] = [];
  if (v.group) {
    const g = v.group;
    const moved = Object.entries(g.takenOverBy)
      .map(([pid, partitions]) => `pid ${pid} took partition(s) ${partitions.join(',')}`)
      .join(', ');
    lines.push(
      `group: ${g.processes} aggregator processes · ` +
        (g.killedPid === undefined
          ? 'none killed'
          : `killed pid ${g.killedPid} (kill -9) ${g.killedWhile}, holding ${plural(g.killedUncommittedOrders, 'order')} not committed ` +
            `(${g.killedOpenOrders} in open windows) on partition(s) ${g.killedPartitions.join(',')} · ` +
            (g.rebalanceSeen ? `rebalance seen: ${moved}` : 'NO rebalance seen')),
    );
  }
  if (v.aggregatesNotCommitted > 0 || v.resultsWithoutSpan > 0)
    lines.push(
      `not committed: ${v.aggregatesNotCommitted} aggregate span(s) whose result never committed (aborted or lost with a process; their orders re-aggregated)` +
        (v.resultsWithoutSpan > 0
          ? ` · ${v.resultsWithoutSpan} result(s) read downstream whose aggregate span died with its process`
          : ''),
    );
  if (v.mode === 'plain')
    lines.push(
      `duplicates: ${v.duplicates.orders} order(s) linked from more than one committed aggregate` +
        (v.duplicates.orders > 0
          ? ` (${v.duplicates.emittedByKilledProcess} first emitted by the killed process, which died before committing their offsets; ` +
            `${v.duplicates.emittedBeforeRebalance} first emitted by a process that lost the partition before its commit) — at-least-once: re-aggregated from the uncommitted offsets by the new owner`
          : ' (at-least-once allows them; none this run)'),
    );
  const promise =
    v.mode === 'transactional'
      ? 'every order is linked from exactly one committed aggregate'
      : 'every order is linked from at least one committed aggregate';
  lines.push(
    `verdict (${v.mode}): ${v.ordersProduced} orders produced · ${v.ordersAggregated} aggregated · ` +
      `${v.ordersLinkedOnce} linked from exactly one aggregate · ${v.ordersLinkedTwice} from more · ${v.ordersNotLinked} from none · ` +
      `${v.aggregates} aggregates (${v.aggregatesContinuedDownstream} continued downstream) · ${v.traces} traces  ` +
      (v.ok ? `✔ ${promise}` : `✘ MISMATCH: not ${promise}`),
  );
  return lines.join('\n');
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
      `${a['fanin.links.spilled']} spilled · trace ${short(aggregate.spanContext().traceId)} · ` +
      `partition ${a['messaging.destination.partition.id']} offsets ${a['app.window.offsets']} · pid ${a[ATTR_AGGREGATOR_PID]}`,
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

/** The final picture: the first `show` aggregates (the committed ones, when given) drawn in full. */
export function drawPicture(
  spans: readonly ReadableSpan[],
  show: number,
  committed?: readonly ReadableSpan[],
): string {
  const aggregates = [
    ...(committed ?? spans.filter((span) => span.name === AGGREGATE_SPAN_NAME)),
  ].sort(
    (a, b) => Number(b.attributes['app.window.orders']) - Number(a.attributes['app.window.orders']),
  );
  const drawn = aggregates.slice(0, show).map((aggregate) => drawAggregate(aggregate, spans));
  if (aggregates.length > show) drawn.push(`… and ${aggregates.length - show} more aggregates`);
  return drawn.join('\n\n');
}
