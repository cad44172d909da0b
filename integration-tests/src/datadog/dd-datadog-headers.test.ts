// What a producer traced by dd-trace with DD_TRACE_PROPAGATION_STYLE=datadog
// puts into a message (its kafkajs plugin calls `tracer.inject(span,
// 'text_map', message.headers)`), and whether fanin's DatadogPropagator reads
// it back to the ids dd-trace reports to its agent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DatadogPropagator, headerGetter } from '@fanin/core';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { runDdChild } from './dd-harness';
import { type AgentSpan, type FakeAgent, startFakeAgent } from './fake-agent';

interface InjectedSpan {
  name: string;
  carrier: Record<string, string>;
  traceIdDecimal: string;
  spanIdDecimal: string;
  traceIdHex: string;
  spanIdHex: string;
  traceIdHigh?: string;
}

const SPANS_PER_RUN = 5; // four producer spans and the parent of one of them

const hex16 = (value: bigint) => value.toString(16).padStart(16, '0');
const asKafkaHeaders = (carrier: Record<string, string>) =>
  Object.fromEntries(Object.entries(carrier).map(([k, v]) => [k, Buffer.from(v)]));

async function injectUnder(
  agent: FakeAgent,
  env: Record<string, string>,
): Promise<{ spans: InjectedSpan[]; agentSpans: AgentSpan[]; blocked: string[] }> {
  const before = agent.spans.length;
  const run = await runDdChild<{ spans: InjectedSpan[] }>(
    { task: 'inject-datadog-headers' },
    { agentUrl: agent.url, env },
  );
  await agent.waitForSpans(before + SPANS_PER_RUN);
  return { spans: run.result.spans, agentSpans: agent.spans.slice(before), blocked: run.blocked };
}

describe('dd-trace producers with DD_TRACE_PROPAGATION_STYLE=datadog', () => {
  let agent: FakeAgent;
  before(async () => {
    agent = await startFakeAgent();
  });
  after(() => agent.close());

  for (const wide of [true, false]) {
    describe(wide ? '128-bit trace ids (the default)' : '64-bit trace ids', () => {
      let result: Awaited<ReturnType<typeof injectUnder>>;
      before(async () => {
        result = await injectUnder(agent, {
          DD_TRACE_PROPAGATION_STYLE: 'datadog',
          DD_TRACE_128_BIT_TRACEID_GENERATION_ENABLED: String(wide),
        });
        for (const span of result.spans)
          console.log(`${span.name}: ${JSON.stringify(span.carrier)}`);
      });

      it('injects exactly the Datadog headers, and talks to nothing but the fake agent', () => {
        assert.deepEqual(result.blocked, []);
        for (const span of result.spans) {
          const expected = [
            'x-datadog-parent-id',
            'x-datadog-sampling-priority',
            'x-datadog-trace-id',
          ];
          if (span.carrier['x-datadog-tags'] !== undefined) expected.push('x-datadog-tags');
          assert.deepEqual(Object.keys(span.carrier).sort(), expected.sort(), span.name);
          assert.equal(span.carrier['x-datadog-trace-id'], span.traceIdDecimal);
          assert.equal(span.carrier['x-datadog-parent-id'], span.spanIdDecimal);
        }
        const tags = result.spans.map((s) => s.carrier['x-datadog-tags'] ?? '');
        const withTid = tags.filter((t) => t.includes('_dd.p.tid=')).length;
        assert.equal(withTid, wide ? tags.length : 0);
      });

      it('extracts to the trace and span ids dd-trace reports to its agent', () => {
        const propagator = new DatadogPropagator();
        for (const span of result.spans) {
          const reported = result.agentSpans.find((s) => s.name === span.name);
          assert.ok(reported, span.name);
          // dd-trace puts `_dd.p.tid` only on the first span of each trace chunk.
          const high =
            result.agentSpans.find((s) => s.traceId === reported.traceId && s.meta['_dd.p.tid'])
              ?.meta['_dd.p.tid'] ?? '0'.repeat(16);
          for (const carrier of [span.carrier, asKafkaHeaders(span.carrier)]) {
            const context = propagator.extract(ROOT_CONTEXT, carrier, headerGetter);
            const extracted = trace.getSpanContext(context);
            assert.equal(extracted?.traceId, `${high}${hex16(reported.traceId)}`, span.name);
            assert.equal(extracted?.traceId, span.traceIdHex, span.name);
            assert.equal(extracted?.spanId, hex16(reported.spanId), span.name);
            const priority: number = reported.metrics._sampling_priority_v1 ?? Number.NaN;
            const sampled: TraceFlags = priority > 0 ? TraceFlags.SAMPLED : TraceFlags.NONE;
            assert.equal(extracted?.traceFlags, sampled, `${span.name} priority ${priority}`);
          }
        }
        const child = result.spans.find((s) => s.name === 'produce child span');
        assert.notEqual(child?.spanIdDecimal, child?.traceIdDecimal, 'a child span has its own id');
      });
    });
  }
});
