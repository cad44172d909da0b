// Head sampling: a batch span the sampler drops builds no link; producers
// whose context says "not sampled" are counted, not linked (their trace does
// not exist in the backend), unless configured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId } from '@fanin/test-utils';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { MessageReader } from './message-reader';
import { resolveTracingSettings, type TracingConfig } from './settings';
import { traceBatch } from './trace-batch';

installTestTracing();

interface TestMessage {
  traceparent: string;
}

const message = (n: number, sampled: boolean): TestMessage => ({
  traceparent: `00-${testTraceId(n)}-${testSpanId(n)}-${sampled ? '01' : '00'}`,
});

function recording(sampler: Sampler, config: TracingConfig = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const settings = resolveTracingSettings('test', provider.getTracer('sampling.test'), config);
  let reads = 0;
  const reader: MessageReader<TestMessage> = {
    headers: (m) => {
      reads++;
      return { traceparent: m.traceparent, tracestate: 'vendor=value' };
    },
    linkAttributes: () => ({}),
    spanAttributes: () => ({}),
  };
  const run = (messages: TestMessage[]) =>
    traceBatch(
      settings,
      () => ({ destination: 'orders', messages, reader }),
      () => 'handled',
    );
  return { exporter, run, reads: () => reads };
}

describe('a batch span and head sampling', () => {
  it('builds no link, and reads no header, for a batch span the sampler drops', () => {
    const { exporter, run, reads } = recording(new AlwaysOffSampler());
    assert.equal(run(Array.from({ length: 1000 }, (_, n) => message(n, true))), 'handled');
    assert.equal(reads(), 0);
    assert.equal(exporter.getFinishedSpans().length, 0);
  });

  it('links only sampled producers by default, and counts the others', () => {
    const { exporter, run } = recording(new AlwaysOnSampler());
    run([message(1, true), message(2, false), message(3, true), message(4, false)]);
    const [span] = exporter.getFinishedSpans();
    assert.deepEqual(
      span?.links.map((link) => link.context.spanId),
      [testSpanId(1), testSpanId(3)],
    );
    assert.equal(span?.attributes['fanin.messages.unsampled_context'], 2);
    assert.equal(span?.attributes['messaging.batch.message_count'], 4);
  });

  it('links every producer with linkUnsampledProducers', () => {
    const { exporter, run } = recording(new AlwaysOnSampler(), { linkUnsampledProducers: true });
    run([message(1, true), message(2, false)]);
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.links.length, 2);
    assert.equal(span?.links[1]?.context.traceFlags, 0);
    assert.equal(span?.attributes['fanin.messages.unsampled_context'], 0);
  });

  it("keeps no tracestate on links by default, the producer's with linkTraceState", () => {
    const plain = recording(new AlwaysOnSampler());
    plain.run([message(1, true)]);
    assert.equal(plain.exporter.getFinishedSpans()[0]?.links[0]?.context.traceState, undefined);
    const kept = recording(new AlwaysOnSampler(), { linkTraceState: true });
    kept.run([message(1, true)]);
    assert.equal(
      kept.exporter.getFinishedSpans()[0]?.links[0]?.context.traceState?.serialize(),
      'vendor=value',
    );
  });
});
