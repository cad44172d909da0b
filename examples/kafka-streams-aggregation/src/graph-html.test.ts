import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FanInAccumulator } from '@fanin/core';
import { installTestTracing } from '@fanin/test-utils';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AGGREGATE_SPAN_NAME } from './aggregator';
import { renderGraphHtml } from './graph-html';
import { fromWire, toWire } from './span-wire';

const tracing = installTestTracing();
const tracer = trace.getTracer('graph-html.test');

/** Orders from upstream requests, two aggregates linking them, one result consumed downstream. */
function makeRun() {
  tracing.reset();
  const accumulator = new FanInAccumulator<string>();
  for (let index = 0; index < 30; index++) {
    const headers: Record<string, string> = {};
    tracer.startActiveSpan(
      'POST /orders',
      { root: true, attributes: { 'app.service': 'checkout' } },
      (request) => {
        tracer.startActiveSpan('send orders', { kind: SpanKind.PRODUCER }, (send) => {
          propagation.inject(context.active(), headers);
          send.end();
        });
        request.end();
      },
    );
    accumulator.add(index % 2 ? 'odd' : 'even', headers, { 'messaging.kafka.offset': index });
  }
  for (const key of ['odd', 'even']) {
    accumulator.emit(
      key,
      {
        name: AGGREGATE_SPAN_NAME,
        attributes: { 'app.customer': `<script>${key}</script>`, 'app.window.orders': 15 },
      },
      () =>
        tracer.startActiveSpan('send order-totals', { kind: SpanKind.PRODUCER }, (send) => {
          if (key === 'odd')
            tracer.startSpan('process order-totals', { kind: SpanKind.CONSUMER }).end();
          send.end();
        }),
    );
  }
  const spans = tracing.spans();
  const aggregates = spans.filter((span) => span.name === AGGREGATE_SPAN_NAME);
  return { spans, aggregates };
}

describe('the aggregate graph page', () => {
  it('is self-contained and shows every aggregate with its links', () => {
    const { spans, aggregates } = makeRun();
    const page = renderGraphHtml({
      title: 'test',
      summary: ['verdict: ok'],
      spans,
      committed: aggregates.slice(0, 1),
    });
    assert.doesNotMatch(page, /https?:\/\//i);
    assert.doesNotMatch(page, /<(script|img|iframe)[^>]+src=|<link[^>]+href=|url\(/i);
    assert.equal(aggregates.length, 2);
    for (const aggregate of aggregates)
      assert.ok(page.includes(`data-span-id="${aggregate.spanContext().spanId}"`));
    assert.equal((page.match(/class="order/g) ?? []).length, 30, 'one dot per linked order');
    assert.equal(
      (page.match(/class="card aborted"/g) ?? []).length,
      1,
      'the uncommitted one is marked',
    );
  });

  it('escapes what the spans say', () => {
    const { spans, aggregates } = makeRun();
    const page = renderGraphHtml({ title: '<b>', summary: [], spans, committed: aggregates });
    assert.ok(!page.includes('<script>odd'), 'attribute text is escaped');
    assert.ok(page.includes('&lt;script&gt;odd'));
    assert.equal((page.match(/<script>/g) ?? []).length, 1, "only the page's own script");
  });

  it('reads the same from spans sent over IPC (toWire → JSON → fromWire)', () => {
    const { spans, aggregates } = makeRun();
    const wired = spans.map((span) => fromWire(JSON.parse(JSON.stringify(toWire(span)))));
    const page = { title: 't', summary: [], committed: aggregates };
    const wiredAggregates = wired.filter((span) => span.name === AGGREGATE_SPAN_NAME);
    assert.equal(
      renderGraphHtml({ ...page, spans: wired, committed: wiredAggregates }),
      renderGraphHtml({ ...page, spans }),
    );
  });
});
