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
import { context, SpanKind, trace } from '@opentelemetry/api';
import { startFanInSpan } from './fan-in-span';
import { DEFAULT_LINK_LIMITS, type LinkLimits, resolveLinkLimits } from './limits';
import { collectLinks } from './links';

const tracing = installTestTracing();
const tracer = trace.getTracer('fan-in-span.test');

function batchOf(producers: number, messagesPerProducer = 1) {
  const messages = [];
  for (let p = 0; p < producers; p++) {
    for (let m = 0; m < messagesPerProducer; m++) {
      messages.push({
        offset: p * messagesPerProducer + m,
        headers: { traceparent: testTraceparent(p) },
      });
    }
  }
  return collectLinks(messages, {
    headers: (message) => message.headers,
    linkAttributes: (message) => ({ 'messaging.kafka.offset': message.offset }),
  });
}

function runBatch(producers: number, limits: LinkLimits = DEFAULT_LINK_LIMITS) {
  const fanIn = startFanInSpan(tracer, {
    name: 'process orders',
    attributes: { 'messaging.system': 'kafka' },
    links: batchOf(producers),
    limits,
  });
  fanIn.end();
  const spans = tracing.spans();
  const batch = spans.find((span) => span.name === 'process orders');
  assert.ok(batch, 'the batch span was exported');
  return { batch, spans };
}

const expectedKeys = (producers: number) =>
  Array.from({ length: producers }, (_, p) =>
    contextKey({ traceId: testTraceId(p), spanId: testSpanId(p) }),
  );

describe('startFanInSpan', () => {
  beforeEach(() => tracing.reset());

  for (const producers of [1, 128]) {
    it(`keeps all ${producers} links on the span itself`, () => {
      const { batch, spans } = runBatch(producers);
      assert.equal(spans.length, 1);
      assert.equal(batch.kind, SpanKind.CONSUMER);
      assert.equal(batch.links.length, producers);
      assert.equal(batch.attributes['messaging.batch.message_count'], producers);
      assert.equal(batch.attributes['fanin.links.kept'], producers);
      assert.equal(batch.attributes['fanin.links.spilled'], 0);
      assert.equal(batch.attributes['fanin.links.spill_spans'], 0);
    });
  }

  for (const [producers, spillSpans] of [
    [129, 1],
    [1000, 7],
    [10_000, 78],
  ] as const) {
    it(`spills ${producers} links onto ${spillSpans} child spans, losing none`, () => {
      const { batch, spans } = runBatch(producers);
      assert.equal(batch.links.length, 128);
      assert.equal(batch.attributes['fanin.links.kept'], 128);
      assert.equal(batch.attributes['fanin.links.spilled'], producers - 128);
      assert.equal(batch.attributes['fanin.links.dropped'], 0);
      assert.equal(batch.attributes['fanin.links.spill_spans'], spillSpans);
      const spill = spans.filter((span) => span.name === 'process orders links');
      assert.equal(spill.length, spillSpans);
      for (const span of spill) {
        assert.ok(span.links.length <= 128 && span.links.length > 0);
        assert.equal(span.parentSpanContext?.spanId, batch.spanContext().spanId);
        assert.equal(span.kind, SpanKind.INTERNAL);
      }
      assert.deepEqual(reachableLinks(batch, spans), expectedKeys(producers));
    });
  }

  it('drops links past the cap under the drop policy, and counts them', () => {
    const { batch, spans } = runBatch(1000, {
      maxLinksPerSpan: 128,
      overflow: 'drop',
      budget: 'auto',
    });
    assert.equal(spans.length, 1);
    assert.equal(batch.links.length, 128);
    assert.equal(batch.attributes['fanin.links.dropped'], 872);
    assert.equal(batch.attributes['fanin.links.spilled'], 0);
    assert.equal(batch.attributes['fanin.batch.context_count'], 1000);
  });

  it('honours a smaller cap', () => {
    const { batch, spans } = runBatch(25, {
      maxLinksPerSpan: 10,
      overflow: 'spill',
      budget: 'auto',
    });
    assert.equal(batch.links.length, 10);
    assert.equal(spans.length, 3);
    assert.deepEqual(reachableLinks(batch, spans), expectedKeys(25));
  });

  it('de-duplicates messages of one producer into one link that counts them', () => {
    const fanIn = startFanInSpan(tracer, {
      name: 'process orders',
      attributes: {},
      links: batchOf(3, 4),
      limits: DEFAULT_LINK_LIMITS,
    });
    fanIn.end();
    const [batch] = tracing.spans();
    assert.equal(batch?.attributes['messaging.batch.message_count'], 12);
    assert.equal(batch?.attributes['fanin.batch.context_count'], 3);
    assert.deepEqual(
      batch?.links.map((link) => link.attributes?.['fanin.link.message_count']),
      [4, 4, 4],
    );
    assert.deepEqual(
      batch?.links.map((link) => link.attributes?.['messaging.kafka.offset']),
      [0, 4, 8],
    );
  });

  it('parents on the active context and starts a new trace without one', () => {
    const root = startFanInSpan(tracer, {
      name: 'process orders',
      attributes: {},
      links: batchOf(1),
      limits: DEFAULT_LINK_LIMITS,
    });
    root.end();
    const parent = tracer.startSpan('parent');
    const child = context.with(trace.setSpan(context.active(), parent), () =>
      startFanInSpan(tracer, {
        name: 'child batch',
        attributes: {},
        links: batchOf(1),
        limits: DEFAULT_LINK_LIMITS,
      }),
    );
    child.end();
    parent.end();
    const spans = tracing.spans();
    assert.equal(spans.find((s) => s.name === 'process orders')?.parentSpanContext, undefined);
    assert.equal(
      spans.find((s) => s.name === 'child batch')?.parentSpanContext?.spanId,
      parent.spanContext().spanId,
    );
  });
});

describe('resolveLinkLimits', () => {
  it('defaults to 128 links, spill, and a budget sized by the tracer where known', () => {
    assert.deepEqual(resolveLinkLimits(undefined), {
      maxLinksPerSpan: 128,
      overflow: 'spill',
      budget: 'auto',
    });
  });
  it('falls back to defaults on invalid values', () => {
    assert.deepEqual(
      resolveLinkLimits({
        maxLinksPerSpan: 0,
        overflow: 'explode' as 'drop',
        linkBudget: 'huge' as 'count',
      }),
      { maxLinksPerSpan: 128, overflow: 'spill', budget: 'auto' },
    );
    assert.equal(resolveLinkLimits({ maxLinksPerSpan: 1.5 }).maxLinksPerSpan, 128);
    assert.equal(resolveLinkLimits({ maxLinksPerSpan: 50 }).maxLinksPerSpan, 50);
  });
});
