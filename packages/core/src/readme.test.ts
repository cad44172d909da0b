// The examples in src/examples run. That the README shows them as they are is
// checked with every README's blocks, in examples/readme.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, testTraceparent } from '@fanin/test-utils';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { emitWindow } from './examples/accumulator';
import './examples/datadog-propagator';
import { provider } from './examples/link-aware-sampler';

const tracing = installTestTracing();

describe('the README examples', () => {
  it('runs the accumulator example: one aggregate span per key, linked to every order', async () => {
    tracing.reset();
    await emitWindow([
      { customer: 'a', headers: { traceparent: testTraceparent(1) } },
      { customer: 'a', headers: { traceparent: testTraceparent(2) } },
      { customer: 'b', headers: { traceparent: testTraceparent(3) } },
    ]);
    const spans = tracing.spans().filter((span) => span.name === 'aggregate order-totals');
    assert.deepEqual(
      spans.map((span) => span.links.length),
      [2, 1],
    );
  });

  it('runs the sampler example', () => {
    const span = provider.getTracer('readme').startSpan('process orders', {
      root: true,
      links: [{ context: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 } }],
    });
    assert.equal(span.isRecording(), true, 'sampled: it links a sampled producer');
    span.end();
  });

  it('runs the Datadog propagator example: x-datadog headers extract to a span context', () => {
    const context = propagation.extract(ROOT_CONTEXT, {
      'x-datadog-trace-id': '1234',
      'x-datadog-parent-id': '5678',
      'x-datadog-sampling-priority': '1',
    });
    assert.equal(trace.getSpanContext(context)?.spanId, (5678).toString(16).padStart(16, '0'));
    propagation.disable();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
});
