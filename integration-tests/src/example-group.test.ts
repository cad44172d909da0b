import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AGGREGATE_SPAN_NAME,
  ATTR_AGGREGATOR_PID,
  DEFAULT_OPTIONS,
  type DeliveryMode,
  type DemoRun,
  runDemo,
} from '@fanin/example-kafka-streams-aggregation';
import { reachableLinks } from '@fanin/test-utils';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { kafkaBrokersFromEnv } from './brokers-env';
import { tracing } from './tracing';

/** How many committed aggregates link each produced order, recomputed here from the spans. */
function linkCounts(run: DemoRun): Map<string, number> {
  const counts = new Map(run.produced.map((order) => [order.producerKey, 0]));
  for (const aggregate of run.committed)
    for (const key of new Set(reachableLinks(aggregate, run.spans)))
      if (counts.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

const pidOf = (span: ReadableSpan) => Number(span.attributes[ATTR_AGGREGATOR_PID]);
const partitionOf = (span: ReadableSpan) =>
  Number(span.attributes['messaging.destination.partition.id']);

/** Runs the demo with 3 aggregator processes in one group, one killed mid-window. */
async function runGroup(mode: DeliveryMode, html: string): Promise<DemoRun> {
  tracing.reset();
  const run = await runDemo(
    {
      ...DEFAULT_OPTIONS,
      durationSeconds: 10,
      rate: 40,
      windowMs: 2_000,
      customers: 4,
      partitions: 3,
      group: 3,
      killOne: true,
      mode,
      html,
      show: 0,
    },
    {
      kafkaBrokers: kafkaBrokersFromEnv(),
      spans: () => tracing.spans(),
      flushSpans: async () => {},
      progress: () => {},
      print: (line) => console.log(line),
    },
  );
  console.log(`${mode}: ${JSON.stringify(run.verdict)}`);
  return run;
}

/** What every group run must show: the kill, the takeover, the killed windows re-aggregated. */
function assertTakeover(run: DemoRun): void {
  const group = run.verdict.group;
  assert.ok(group, 'the run reports its group');
  assert.equal(group.processes, 3);
  assert.ok(group.killedPid, 'one aggregator process was killed');
  assert.ok(group.killedOpenOrders > 0, 'the killed process held orders in open windows');
  assert.ok(group.killedUncommittedOrders >= group.killedOpenOrders);
  assert.equal(group.rebalanceSeen, true);
  const survivors = new Set(Object.keys(group.takenOverBy).map(Number));
  assert.ok(!survivors.has(group.killedPid));
  const takenOver = new Set(Object.values(group.takenOverBy).flat());
  for (const partition of group.killedPartitions)
    assert.ok(takenOver.has(partition), `partition ${partition} was taken over`);
  // The killed process's partitions go on: a survivor emits committed aggregates for them.
  const resumed = run.committed.filter(
    (span) => group.killedPartitions.includes(partitionOf(span)) && survivors.has(pidOf(span)),
  );
  assert.ok(resumed.length > 0, 'a survivor aggregated the killed partitions');
  // Every order, those of the windows lost with the killed process included, is linked.
  for (const [key, count] of linkCounts(run)) assert.ok(count >= 1, `order ${key} is linked`);
  // The committed aggregates continue downstream, in their own trace.
  assert.equal(run.verdict.aggregatesContinuedDownstream, run.verdict.aggregates);
}

async function assertPage(run: DemoRun, path: string): Promise<void> {
  assert.equal(run.htmlPath, path);
  const page = await readFile(path, 'utf8');
  assert.match(page, /^<!doctype html>/);
  assert.doesNotMatch(page, /https?:\/\//i, 'nothing to load from the network');
  assert.doesNotMatch(page, /<(script|img|iframe)[^>]+src=|<link[^>]+href=|@import|url\(/i);
  const aggregates = run.spans.filter((span) => span.name === AGGREGATE_SPAN_NAME);
  assert.ok(aggregates.length >= run.committed.length && run.committed.length > 0);
  for (const aggregate of aggregates)
    assert.ok(
      page.includes(`data-span-id="${aggregate.spanContext().spanId}"`),
      `the page shows aggregate ${aggregate.spanContext().spanId}`,
    );
}

describe('examples/kafka-streams-aggregation: 3 aggregator processes in one group, one killed (kill -9)', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanin-group-'));
  });

  after(async () => {
    tracing.reset();
    await rm(dir, { recursive: true, force: true });
  });

  describe('transactional delivery (results and offsets in one transaction)', () => {
    let run: DemoRun;
    const html = () => join(dir, 'transactional.html');

    before(async () => {
      run = await runGroup('transactional', html());
    });

    it('links every order from exactly one committed aggregate', () => {
      const v = run.verdict;
      assert.ok(v.ordersProduced >= 200, `${v.ordersProduced} orders produced`);
      for (const [key, count] of linkCounts(run)) assert.equal(count, 1, `order ${key}`);
      assert.equal(v.ordersLinkedOnce, v.ordersProduced);
      assert.equal(v.ordersLinkedTwice, 0);
      assert.equal(v.ordersAggregated, v.ordersProduced);
      assert.equal(v.resultsWithoutSpan, 0);
      assert.equal(v.ok, true);
    });

    it("commits each partition's windows as contiguous, non-overlapping offset ranges from 0", () => {
      const byPartition = new Map<number, [bigint, bigint][]>();
      for (const span of run.committed) {
        const [from, to] = String(span.attributes['app.window.offsets']).split('..').map(BigInt);
        const ranges = byPartition.get(partitionOf(span)) ?? [];
        if (from !== undefined && to !== undefined && !ranges.some(([f]) => f === from))
          ranges.push([from, to]);
        byPartition.set(partitionOf(span), ranges);
      }
      assert.equal(byPartition.size, 3);
      for (const [partition, ranges] of byPartition) {
        ranges.sort(([a], [b]) => (a < b ? -1 : 1));
        let next = 0n;
        for (const [from, to] of ranges) {
          assert.equal(from, next, `partition ${partition}: a window starts where the last ended`);
          next = to;
        }
      }
    });

    it('continues after the kill: the group rebalances and the killed windows are re-aggregated', () => {
      assertTakeover(run);
    });

    it("re-aggregates an aborted transaction's orders in the new owner's committed aggregates", () => {
      const committed = new Set(run.committed);
      const aborted = run.spans.filter(
        (span) => span.name === AGGREGATE_SPAN_NAME && !committed.has(span),
      );
      assert.equal(aborted.length, run.verdict.aggregatesNotCommitted);
      const survivors = new Set(Object.keys(run.verdict.group?.takenOverBy ?? {}).map(Number));
      for (const span of aborted) {
        assert.equal(pidOf(span), run.verdict.group?.killedPid, 'only the killed process aborted');
        for (const key of reachableLinks(span, run.spans)) {
          const again = run.committed.filter((c) => reachableLinks(c, run.spans).includes(key));
          assert.equal(again.length, 1, `order ${key} is in one committed aggregate`);
          assert.ok(again[0] && survivors.has(pidOf(again[0])), 'of the new owner');
        }
      }
      console.log(`transactional: ${aborted.length} aggregate span(s) of an aborted transaction`);
    });

    it('writes the aggregate graph as a self-contained HTML page with every aggregate', async () => {
      await assertPage(run, html());
    });
  });

  describe('plain delivery (at-least-once)', () => {
    let run: DemoRun;
    const html = () => join(dir, 'plain.html');

    before(async () => {
      run = await runGroup('plain', html());
    });

    it('links every order from at least one committed aggregate', () => {
      const v = run.verdict;
      assert.ok(v.ordersProduced >= 200, `${v.ordersProduced} orders produced`);
      assert.equal(v.ordersNotLinked, 0);
      assert.equal(v.ok, true);
    });

    it('counts the duplicates as the spans show them, and explains each one', () => {
      const v = run.verdict;
      const counts = [...linkCounts(run).values()];
      const duplicated = counts.filter((count) => count > 1).length;
      assert.equal(v.duplicates.orders, duplicated);
      assert.equal(v.ordersLinkedTwice, duplicated);
      assert.equal(
        v.duplicates.emittedByKilledProcess + v.duplicates.emittedBeforeRebalance,
        v.duplicates.orders,
      );
      // Each aggregate counts its orders, so the duplicates are exactly the surplus.
      assert.equal(
        v.ordersAggregated,
        counts.reduce((sum, count) => sum + count, 0),
      );
      const killed = v.group?.killedPid;
      const survivors = new Set(Object.keys(v.group?.takenOverBy ?? {}).map(Number));
      // A duplicate of the killed process's emission was re-aggregated by the partition's new owner.
      if (v.duplicates.emittedByKilledProcess > 0) {
        const fromKilled = run.committed.filter((span) => pidOf(span) === killed);
        const again = run.committed.filter(
          (span) =>
            survivors.has(pidOf(span)) && v.group?.killedPartitions.includes(partitionOf(span)),
        );
        const killedKeys = new Set(fromKilled.flatMap((span) => reachableLinks(span, run.spans)));
        assert.ok(
          again.some((span) => reachableLinks(span, run.spans).some((key) => killedKeys.has(key))),
          'a survivor re-aggregated orders the killed process had emitted',
        );
      }
      console.log(
        `plain mode: ${v.duplicates.orders} duplicated orders (${v.duplicates.emittedByKilledProcess} from the killed process)`,
      );
    });

    it('continues after the kill: the group rebalances and the killed windows are re-aggregated', () => {
      assertTakeover(run);
    });

    it('writes the aggregate graph as a self-contained HTML page with every aggregate', async () => {
      await assertPage(run, html());
    });
  });
});
