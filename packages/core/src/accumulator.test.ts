import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  contextKey,
  installTestTracing,
  reachableLinks,
  testSpanId,
  testTraceId,
  testTraceparent,
} from '@fanin/test-utils';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { FanInAccumulator } from './accumulator';

const tracing = installTestTracing();

const headersOf = (producer: number) => ({ traceparent: Buffer.from(testTraceparent(producer)) });
const keyOf = (producer: number) =>
  contextKey({ traceId: testTraceId(producer), spanId: testSpanId(producer) });

function emitted(accumulator: FanInAccumulator<string>, key: string) {
  accumulator.emit(key, { name: 'aggregate orders', attributes: { 'app.key': key } }, () => {});
  const spans = tracing.spans();
  const aggregate = spans.find((span) => span.name === 'aggregate orders');
  assert.ok(aggregate);
  return { aggregate, spans };
}

describe('FanInAccumulator', () => {
  beforeEach(() => tracing.reset());

  it('links an aggregate to every contributor across many batches, once each', () => {
    const accumulator = new FanInAccumulator<string>();
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 30; i++)
        accumulator.add('customer-1', headersOf(batch * 30 + i), { offset: i });
      accumulator.add('customer-1', headersOf(batch * 30));
    }
    const { aggregate, spans } = emitted(accumulator, 'customer-1');
    assert.equal(aggregate.attributes['messaging.batch.message_count'], 310);
    assert.equal(aggregate.attributes['fanin.batch.context_count'], 300);
    assert.equal(aggregate.attributes['app.key'], 'customer-1');
    assert.deepEqual(
      reachableLinks(aggregate, spans),
      Array.from({ length: 300 }, (_, i) => keyOf(i)),
    );
    assert.equal(aggregate.links[0]?.attributes?.['fanin.link.message_count'], 2);
    assert.equal(aggregate.links[0]?.attributes?.offset, 0);
  });

  it('releases the key on emit, so later messages feed a new aggregate', () => {
    const accumulator = new FanInAccumulator<string>();
    accumulator.add('k', headersOf(1));
    emitted(accumulator, 'k');
    assert.equal(accumulator.has('k'), false);
    assert.equal(accumulator.stats().keys, 0);
  });

  it('runs produce inside the aggregate span and ends it when produce settles', async () => {
    const accumulator = new FanInAccumulator<string>();
    accumulator.add('k', headersOf(1));
    let activeSpanId: string | undefined;
    await accumulator.emit('k', { name: 'aggregate orders' }, async (aggregate) => {
      await new Promise((resolve) => setImmediate(resolve));
      activeSpanId = trace.getActiveSpan()?.spanContext().spanId;
      assert.equal(aggregate.span.isRecording(), true);
    });
    assert.equal(activeSpanId, tracing.spans()[0]?.spanContext().spanId);
  });

  it('records a failing produce as ERROR and re-throws it', () => {
    const accumulator = new FanInAccumulator<string>();
    const failure = new Error('produce failed');
    assert.throws(
      () =>
        accumulator.emit('k', { name: 'aggregate orders' }, () => {
          throw failure;
        }),
      (error) => error === failure,
    );
    assert.equal(tracing.spans()[0]?.status.code, SpanStatusCode.ERROR);
  });

  it('caps the contexts kept per key and counts the messages not linked', () => {
    const accumulator = new FanInAccumulator<string>({ maxContextsPerKey: 5 });
    for (let i = 0; i < 8; i++) accumulator.add('k', headersOf(i));
    accumulator.add('k', headersOf(0));
    const { aggregate } = emitted(accumulator, 'k');
    assert.equal(aggregate.links.length, 5);
    assert.equal(aggregate.attributes['fanin.messages.not_linked'], 3);
    assert.equal(aggregate.attributes['messaging.batch.message_count'], 9);
  });

  it('evicts the least recently updated key past maxKeys', () => {
    const accumulator = new FanInAccumulator<string>({ maxKeys: 2 });
    accumulator.add('a', headersOf(1));
    accumulator.add('b', headersOf(2));
    accumulator.add('a', headersOf(3));
    accumulator.add('c', headersOf(4));
    assert.deepEqual(accumulator.keys(), ['a', 'c']);
    assert.equal(accumulator.stats().evictedKeys, 1);
  });

  it('expires idle keys and releases them', () => {
    let now = 1_000;
    const accumulator = new FanInAccumulator<string>({ idleTimeoutMs: 100, now: () => now });
    accumulator.add('old', headersOf(1));
    now += 60;
    accumulator.add('recent', headersOf(2));
    now += 60;
    assert.deepEqual(accumulator.expire(), ['old']);
    assert.deepEqual(accumulator.keys(), ['recent']);
    assert.equal(accumulator.stats().expiredKeys, 1);
  });

  it('discards the keys of a revoked partition explicitly', () => {
    const accumulator = new FanInAccumulator<string>();
    for (const key of ['p0|a', 'p0|b', 'p1|a']) accumulator.add(key, headersOf(1));
    assert.equal(
      accumulator.discardWhere((key) => key.startsWith('p0|')),
      2,
    );
    assert.deepEqual(accumulator.keys(), ['p1|a']);
    assert.equal(accumulator.stats().discardedKeys, 2);
  });

  it('applies the link cap and overflow to the aggregate span', () => {
    const accumulator = new FanInAccumulator<string>({ maxLinksPerSpan: 50, overflow: 'drop' });
    for (let i = 0; i < 120; i++) accumulator.add('k', headersOf(i));
    const { aggregate, spans } = emitted(accumulator, 'k');
    assert.equal(spans.length, 1);
    assert.equal(aggregate.links.length, 50);
    assert.equal(aggregate.attributes['fanin.links.dropped'], 70);
  });

  it('counts contributors without a context, and known contexts added directly', () => {
    const accumulator = new FanInAccumulator<string>();
    accumulator.add('k', {});
    accumulator.add('k', { traceparent: 'garbage' });
    accumulator.addContext('k', undefined);
    accumulator.addContext('k', { traceId: testTraceId(9), spanId: testSpanId(9), traceFlags: 1 });
    const { aggregate } = emitted(accumulator, 'k');
    assert.equal(aggregate.attributes['messaging.batch.message_count'], 4);
    assert.equal(aggregate.attributes['fanin.messages.without_context'], 2);
    assert.equal(aggregate.attributes['fanin.messages.invalid_context'], 1);
    assert.equal(aggregate.links.length, 1);
  });
});
