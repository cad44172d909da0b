import { randomUUID } from 'node:crypto';
import { reachableLinks } from '@fanin/test-utils';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Kafka, logLevel } from 'kafkajs';
import { Aggregator, type AggregatorStats } from './aggregator';
import { Downstream, type ReceivedTotal } from './downstream';
import { writeGraphHtml } from './graph-html';
import { AggregatorGroup, type GroupReport } from './group';
import type { DemoOptions } from './options';
import { type OrderTotal, type Topics, topicsFor } from './orders';
import {
  committedAggregates,
  computeVerdict,
  drawPicture,
  type Verdict,
  verdictLine,
} from './report';
import { type ProducedOrder, runUpstream } from './upstream';

export interface DemoRun {
  verdict: Verdict;
  picture: string;
  produced: ProducedOrder[];
  /** Every span exported: this process's and the aggregator processes'. */
  spans: ReadableSpan[];
  /** The aggregate spans whose result was committed. */
  committed: ReadableSpan[];
  received: ReceivedTotal[];
  /** Where the HTML page of the aggregate graph was written (with `options.html`). */
  htmlPath: string | undefined;
}

export interface DemoEnvironment {
  kafkaBrokers: string[];
  /** The finished spans so far (an in-memory exporter). */
  spans: () => ReadableSpan[];
  /** Makes sure every ended span has reached `spans()`. */
  flushSpans: () => Promise<void>;
  /** A progress line, replacing the previous one where the terminal allows. */
  progress: (line: string) => void;
  /** A line of its own (live aggregates, the kill). */
  print: (line: string) => void;
}

/** The aggregators of a run: in this process, or a group of processes. */
interface Aggregation {
  start(): Promise<void>;
  stats(): AggregatorStats[];
  /** Every partition has exactly one live owner. */
  stable(partitions: number): boolean;
  stop(): Promise<void>;
  spans(): ReadableSpan[];
  group: AggregatorGroup | undefined;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

function inProcess(
  kafka: Kafka,
  topics: Topics,
  options: DemoOptions,
  groupId: string,
  env: DemoEnvironment,
  onEmit: (total: OrderTotal) => void,
): Aggregation {
  const aggregators = Array.from(
    { length: options.aggregators },
    () =>
      new Aggregator(kafka, topics, {
        groupId,
        windowMs: options.windowMs,
        mode: options.mode,
        commitIntervalMs: options.commitIntervalMs,
        beforeCommit: env.flushSpans,
        onEmit,
      }),
  );
  const stats = () => aggregators.map((aggregator) => aggregator.stats);
  return {
    start: async () => {
      for (const aggregator of aggregators) await aggregator.start();
    },
    stats,
    stable: (partitions) => {
      const owned = stats().flatMap((s) => s.partitions);
      return owned.length === partitions && new Set(owned).size === partitions;
    },
    stop: async () => {
      for (const aggregator of aggregators) await aggregator.stop();
    },
    spans: () => [],
    group: undefined,
  };
}

function inGroup(
  kafkaBrokers: string[],
  topics: Topics,
  options: DemoOptions,
  groupId: string,
): Aggregation {
  const group = new AggregatorGroup(options.group, {
    kafkaBrokers,
    topics,
    groupId,
    windowMs: options.windowMs,
    mode: options.mode,
    commitIntervalMs: options.commitIntervalMs,
  });
  return {
    start: () => group.start(),
    stats: () => group.stats(),
    stable: (partitions) => group.stable(partitions),
    stop: () => group.stop(60_000),
    spans: () => group.spans,
    group,
  };
}

/** Every produced order linked from at least one aggregate whose result was read downstream. */
function covered(
  spans: ReadableSpan[],
  produced: readonly ProducedOrder[],
  received: readonly ReceivedTotal[],
): boolean {
  const linked = new Set(
    committedAggregates(spans, received).flatMap((a) => reachableLinks(a, spans)),
  );
  return produced.every((order) => linked.has(order.producerKey));
}

/**
 * `kill -9` of one aggregator process mid-window, once the run is under way:
 * one holding orders in open windows, at the moment it reports the case that
 * tests its delivery most (transactional: a transaction about to commit;
 * plain: windows emitted whose offsets are not committed yet); late in the
 * run, any one holding orders.
 */
async function killMidWindow(
  group: AggregatorGroup,
  options: DemoOptions,
  env: DemoEnvironment,
  started: number,
): Promise<void> {
  const durationMs = options.durationSeconds * 1_000;
  await new Promise((resolve) => setTimeout(resolve, durationMs * 0.3));
  const exposed = (s: AggregatorStats) =>
    s.openOrders > 0 &&
    (options.mode === 'plain' ? s.pendingCommits > 0 : s.deliveriesInFlight > 0);
  const exposedCase =
    options.mode === 'plain'
      ? 'with emitted windows whose offsets were not committed yet'
      : 'with a transaction under way';
  const pid = await new Promise<number | undefined>((resolve) => {
    const attempt = () => {
      const elapsed = Date.now() - started;
      const killed =
        group.killOne(exposed, exposedCase) ??
        (elapsed > durationMs * 0.6
          ? group.killOne((s) => s.openOrders > 0, 'holding orders in open windows')
          : undefined);
      if (killed === undefined && elapsed < durationMs * 0.9) return;
      group.onChange = undefined;
      clearInterval(poll);
      resolve(killed ?? group.killOne(() => true, 'late in the run'));
    };
    // Decided on each stats message, so the kill lands while the moment lasts.
    group.onChange = attempt;
    const poll = setInterval(attempt, 100);
  });
  const report = group.report();
  env.print(
    `  ✝ kill -9 aggregator pid ${pid} ${report.killedWhile} (partition(s) ${report.killedPartitions.join(',')}, ` +
      `${report.killedUncommittedOrders} order(s) not committed, ${report.killedOpenOrders} in open windows)`,
  );
}

/**
 * Upstream services → `orders` → aggregator(s) → `order-totals` → downstream,
 * for a bounded time; with `group`, the aggregators are processes of one
 * consumer group, one of them killed mid-window with `killOne`. Then the run
 * waits until every order is in a committed aggregate, stops the aggregators
 * (they emit what they hold), reads the output to its end, and checks the
 * span graph against the delivery mode's promise.
 */
export async function runDemo(options: DemoOptions, env: DemoEnvironment): Promise<DemoRun> {
  const runId = randomUUID().slice(0, 8);
  const topics = topicsFor(runId);
  const kafka = new Kafka({
    clientId: 'fanin-demo',
    brokers: env.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: topics.orders, numPartitions: options.partitions },
      { topic: topics.totals, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const onEmit = (total: OrderTotal) => {
    if (options.live) {
      env.print(
        `\n  ◆ aggregate ${total.customer} ${new Date(total.windowStart).toISOString().slice(11, 19)}: ${total.orders} orders`,
      );
    }
  };
  const groupId = `aggregator-${runId}`;
  const aggregation =
    options.group > 0
      ? inGroup(env.kafkaBrokers, topics, options, groupId)
      : inProcess(kafka, topics, options, groupId, env, onEmit);
  const downstream = new Downstream(kafka, topics, `alerting-${runId}`);
  const produced: ProducedOrder[] = [];
  const sum = (pick: (s: AggregatorStats) => number) =>
    aggregation.stats().reduce((total, s) => total + pick(s), 0);
  const allSpans = () => [...env.spans(), ...aggregation.spans()];
  const started = Date.now();
  const progress = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    const alive = aggregation.group
      ? ` · ${aggregation.group.alive.length} aggregator processes`
      : '';
    env.progress(
      `  [${String(seconds).padStart(3)}s] produced ${produced.length} · aggregated ${sum((s) => s.consumed)} · ` +
        `aggregates ${sum((s) => s.emitted)} · downstream ${downstream.received.length}${alive}`,
    );
  }, 1_000);
  let group: GroupReport | undefined;
  let stopped = false;
  try {
    await downstream.start();
    await aggregation.start();
    if (!(await waitUntil(() => aggregation.stable(options.partitions), 60_000)))
      throw new Error('the aggregators did not settle on one owner per partition within 60 s');
    const upstreamStarted = Date.now();
    const upstream = runUpstream(producer, topics, options, produced);
    const kill =
      options.killOne && aggregation.group
        ? killMidWindow(aggregation.group, options, env, upstreamStarted)
        : Promise.resolve();
    await Promise.all([upstream, kill]);
    await env.flushSpans();
    // Every order in a committed aggregate: the killed process's windows re-aggregated by their new owner.
    if (!(await waitUntil(() => covered(allSpans(), produced, downstream.received), 90_000)))
      env.print('  ! not every order reached a committed aggregate within 90 s');
    stopped = true;
    await aggregation.stop();
    // A marker after every result: once downstream reads it, it has read every committed result.
    await downstream.readToEnd(producer, runId, 60_000);
    group = aggregation.group?.report();
  } finally {
    clearInterval(progress);
    // On a failed run too: a consumer left connected keeps the process alive.
    if (!stopped) await aggregation.stop().catch(() => {});
    await downstream.stop();
    await producer.disconnect();
  }
  await env.flushSpans();
  const spans = allSpans();
  const committed = committedAggregates(spans, downstream.received);
  const verdict = computeVerdict(spans, produced, downstream.received, options.mode, group);
  const htmlPath =
    options.html &&
    (await writeGraphHtml(options.html, {
      title: `fanin demo: ${verdict.aggregates} aggregates of ${verdict.ordersProduced} orders (${options.mode} delivery${options.group > 0 ? `, ${options.group} aggregator processes` : ''})`,
      summary: verdictLine(verdict).split('\n'),
      spans,
      committed,
    }));
  return {
    verdict,
    picture: drawPicture(spans, options.show, committed),
    produced,
    spans,
    committed,
    received: downstream.received,
    htmlPath,
  };
}
