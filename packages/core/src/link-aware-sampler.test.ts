// Its own process: constructing a LinkAwareSampler makes fan-in spans give
// their links at start for the rest of the process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId } from '@fanin/test-utils';
import { ROOT_CONTEXT, SamplingDecision, SpanKind, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { LinkAwareSampler, samplerNeedsLinks } from './link-aware-sampler';
import { resolveTracingSettings } from './settings';
import { traceBatch } from './trace-batch';

installTestTracing();

const producer = (n: number, sampled: boolean) => ({
  context: { traceId: testTraceId(n), spanId: testSpanId(n), traceFlags: sampled ? 1 : 0 },
});

describe('LinkAwareSampler', () => {
  const sampler = new LinkAwareSampler(new AlwaysOffSampler());

  it('samples a root span that links a sampled producer; leaves the rest to its delegate', () => {
    const decide = (links: ReturnType<typeof producer>[], parent = ROOT_CONTEXT) =>
      sampler.shouldSample(parent, testTraceId(99), 'process orders', SpanKind.CONSUMER, {}, links)
        .decision;
    assert.equal(
      decide([producer(1, false), producer(2, true)]),
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    assert.equal(decide([producer(1, false)]), SamplingDecision.NOT_RECORD);
    assert.equal(decide([]), SamplingDecision.NOT_RECORD);
    const child = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: testTraceId(5),
      spanId: testSpanId(5),
      traceFlags: 0,
    });
    assert.equal(decide([producer(2, true)], child), SamplingDecision.NOT_RECORD);
    assert.match(sampler.toString(), /LinkAwareSampler\{delegate=AlwaysOffSampler\}/);
  });

  it('makes fan-in spans give their links at start, so a batch with a sampled producer is kept', () => {
    assert.equal(samplerNeedsLinks(), true);
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const settings = resolveTracingSettings('test', provider.getTracer('t'), {});
    const reader = {
      headers: (m: { traceparent: string }) => ({ traceparent: m.traceparent }),
      linkAttributes: () => ({}),
      spanAttributes: () => ({}),
    };
    const batch = (flags: string[]) =>
      traceBatch(
        settings,
        () => ({
          destination: 'orders',
          messages: flags.map((f, n) => ({
            traceparent: `00-${testTraceId(n)}-${testSpanId(n)}-${f}`,
          })),
          reader,
        }),
        () => {},
      );
    batch(['00', '00', '01']);
    batch(['00', '00']);
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 1, 'only the batch with a sampled producer');
    assert.equal(spans[0]?.links.length, 1);
  });
});
