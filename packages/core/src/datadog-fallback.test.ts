// Messages whose only context is in Datadog's headers (a producer traced by
// dd-trace with DD_TRACE_PROPAGATION_STYLE=datadog), consumed by an
// application whose propagator is W3C's: fanin links them by default.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId, testTraceparent } from '@fanin/test-utils';
import { trace } from '@opentelemetry/api';
import type { MessageReader } from './message-reader';
import { resolveTracingSettings, type TracingConfig } from './settings';
import { traceBatch } from './trace-batch';

const tracing = installTestTracing();

// The 64-bit ids dd-trace writes in decimal, and the W3C ids they stand for.
const DATADOG = {
  'x-datadog-trace-id': '7375626818116974729',
  'x-datadog-parent-id': '3459340299432512201',
  'x-datadog-sampling-priority': '1',
  'x-datadog-tags': '_dd.p.tid=6b102bbc00000000,_dd.p.dm=-0',
};
const expectedTraceId = `6b102bbc00000000${BigInt(DATADOG['x-datadog-trace-id']).toString(16).padStart(16, '0')}`;
const expectedSpanId = BigInt(DATADOG['x-datadog-parent-id']).toString(16).padStart(16, '0');

const reader: MessageReader<Record<string, unknown>> = {
  headers: (headers) => headers,
  linkAttributes: () => ({}),
  spanAttributes: () => ({}),
};

function batch(messages: Record<string, unknown>[], config: TracingConfig = {}) {
  const settings = resolveTracingSettings(
    'kafka',
    trace.getTracer('datadog-fallback.test'),
    config,
  );
  traceBatch(
    settings,
    () => ({ destination: 'orders', messages, reader }),
    () => {},
  );
  const [span] = tracing.spans();
  assert.ok(span);
  return span;
}

describe('Datadog headers under a W3C propagator', () => {
  beforeEach(() => tracing.reset());

  it('links a producer whose only context is Datadog headers, beside a W3C one', () => {
    const asBuffers = Object.fromEntries(
      Object.entries(DATADOG).map(([key, value]) => [key, Buffer.from(value)]),
    );
    const span = batch([asBuffers, { traceparent: testTraceparent(1) }]);
    assert.deepEqual(
      span.links.map((link) => [
        link.context.traceId,
        link.context.spanId,
        link.context.traceFlags,
      ]),
      [
        [expectedTraceId, expectedSpanId, 1],
        [testTraceId(1), testSpanId(1), 1],
      ],
    );
    assert.equal(span.attributes['fanin.messages.without_context'], 0);
  });

  it('prefers the configured propagator when a message carries both', () => {
    const span = batch([{ ...DATADOG, traceparent: testTraceparent(2) }]);
    assert.equal(span.links[0]?.context.spanId, testSpanId(2));
  });

  it('reads capitalised Datadog header keys too', () => {
    const capitalised = Object.fromEntries(
      Object.entries(DATADOG).map(([key, value]) => [key.toUpperCase(), value]),
    );
    assert.equal(batch([capitalised]).links[0]?.context.spanId, expectedSpanId);
  });

  it('counts them as without a context with readDatadogHeaders: false', () => {
    const span = batch([DATADOG], { readDatadogHeaders: false });
    assert.equal(span.links.length, 0);
    assert.equal(span.attributes['fanin.messages.without_context'], 1);
  });

  it('does not link a Datadog producer that dropped its trace (priority <= 0)', () => {
    const span = batch([{ ...DATADOG, 'x-datadog-sampling-priority': '-1' }]);
    assert.equal(span.links.length, 0);
    assert.equal(span.attributes['fanin.messages.unsampled_context'], 1);
  });
});
