import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_OPTIONS, type DemoRun, runDemo } from '@fanin/example-kafka-streams-aggregation';
import { contextKey, reachableLinks } from '@fanin/test-utils';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { kafkaBrokersFromEnv } from './brokers-env';
import { tracing } from './tracing';

describe('examples/kafka-streams-aggregation against a real broker', () => {
  let run: DemoRun;
  let spans: ReadableSpan[];

  before(async () => {
    tracing.reset();
    run = await runDemo(
      {
        ...DEFAULT_OPTIONS,
        durationSeconds: 6,
        rate: 60,
        windowMs: 2_000,
        customers: 4,
        partitions: 3,
        // Two aggregators in one group: they split the partitions, and at the
        // rebalance when the second joins, the windows of the partitions the
        // first one gives up are read again by their new owner (transactional
        // delivery: each order in exactly one committed aggregate).
        aggregators: 2,
        mode: 'transactional',
        live: false,
        show: 1,
      },
      {
        kafkaBrokers: kafkaBrokersFromEnv(),
        spans: () => tracing.spans(),
        flushSpans: async () => {},
        progress: () => {},
        print: () => {},
      },
    );
    spans = tracing.spans();
    console.log(`${run.picture}\n${JSON.stringify(run.verdict)}`);
  });

  after(() => tracing.reset());

  it('reports a passing verdict with equal counts', () => {
    const v = run.verdict;
    assert.ok(v.ordersProduced >= 200, `${v.ordersProduced} orders produced`);
    assert.equal(v.ordersAggregated, v.ordersProduced);
    assert.equal(v.ordersLinkedOnce, v.ordersProduced);
    assert.equal(v.ordersLinkedTwice, 0);
    assert.ok(v.aggregates > 0);
    assert.equal(v.ok, true);
  });

  it("links every order's producer span from exactly one committed aggregate span", () => {
    const aggregates = run.committed;
    const reached = aggregates.flatMap((aggregate) => reachableLinks(aggregate, spans));
    assert.equal(reached.length, new Set(reached).size, 'no producer is linked twice');
    assert.deepEqual(new Set(reached), new Set(run.produced.map((order) => order.producerKey)));
    const producerSpans = new Set(spans.map((span) => contextKey(span.spanContext())));
    for (const key of reached)
      assert.ok(producerSpans.has(key), `linked producer span ${key} was exported`);
  });

  it("consumes each committed aggregate's result downstream in the aggregate's trace", () => {
    const aggregates = run.committed;
    assert.ok(aggregates.length > 0);
    for (const aggregate of aggregates) {
      const { traceId, spanId } = aggregate.spanContext();
      const send = spans.find((span) => span.parentSpanContext?.spanId === spanId);
      assert.ok(send, 'the result was sent inside the aggregate span');
      const downstream = spans.find(
        (span) => span.parentSpanContext?.spanId === send.spanContext().spanId,
      );
      assert.ok(downstream, 'the downstream consumer processed the result');
      assert.equal(downstream.spanContext().traceId, traceId);
    }
  });
});
