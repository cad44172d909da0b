// fanin's batch spans under Datadog's tracer (dd-trace 6, OpenTelemetry
// bridge), in agent and OTLP mode: however many producers, whatever their
// tracestate, every `_dd.span_links` tag parses and every producer is
// reachable from its batch span (its own links and those of its spill spans).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DD_SPAN_LINKS_MAX_LENGTH } from '@fanin/core/adapter';
import { runDdChild } from './dd-harness';
import { type FaninBatchScenario, faninBatchTopic } from './dd-job';
import { type AgentSpan, type FakeAgent, startFakeAgent } from './fake-agent';
import { type FakeOtlpReceiver, type OtlpSpan, startFakeOtlpReceiver } from './fake-otlp-receiver';
import type { FaninBatchResult } from './fanin-batch-run';

const COUNTS = [1, 122, 123, 128, 129, 300, 1000, 10_000];
const TRACESTATE_LENGTHS = [0, 80, 512];

const SCENARIOS: FaninBatchScenario[] = [
  ...TRACESTATE_LENGTHS.flatMap((tracestateLength) =>
    COUNTS.map((count) => ({ count, tracestateLength, linkTraceState: false })),
  ),
  // With tracestate kept on links, they are bigger: the budget still holds.
  ...[129, 1000].flatMap((count) =>
    TRACESTATE_LENGTHS.map((tracestateLength) => ({
      count,
      tracestateLength,
      linkTraceState: true,
    })),
  ),
];

interface Reach {
  reached: Set<string>;
  spans: number;
  longestTag: number;
  unparsable: number;
}

function viaAgent(spans: AgentSpan[], topic: string): Reach {
  const batch = spans.find((span) => span.name === `process ${topic}`);
  if (batch === undefined) throw new Error(`no batch span for ${topic}`);
  const spill = spans.filter(
    (span) => span.parentId === batch.spanId && span.name === `process ${topic} links`,
  );
  const reach: Reach = {
    reached: new Set(),
    spans: 1 + spill.length,
    longestTag: 0,
    unparsable: 0,
  };
  for (const span of [batch, ...spill]) {
    const tag = span.meta['_dd.span_links'];
    if (tag === undefined) continue;
    reach.longestTag = Math.max(reach.longestTag, tag.length);
    try {
      for (const link of JSON.parse(tag) as { trace_id: string; span_id: string }[]) {
        reach.reached.add(`${link.trace_id}/${link.span_id}`);
      }
    } catch {
      reach.unparsable++;
    }
  }
  return reach;
}

function viaOtlp(spans: OtlpSpan[], topic: string): Set<string> {
  const batch = spans.find((span) => span.name === `process ${topic}`);
  if (batch === undefined) throw new Error(`no OTLP batch span for ${topic}`);
  const family = [batch, ...spans.filter((span) => span.name === `process ${topic} links`)];
  return new Set(
    family.flatMap((span) => (span.links ?? []).map((l) => `${l.traceId}/${l.spanId}`)),
  );
}

describe("fanin's batch spans under dd-trace", () => {
  let agent: FakeAgent;
  let otlp: FakeOtlpReceiver;
  let agentBatches: FaninBatchResult[] = [];
  let otlpBatches: FaninBatchResult[] = [];
  let blocked: string[] = [];

  before(async () => {
    agent = await startFakeAgent();
    otlp = await startFakeOtlpReceiver();
    const agentRun = await runDdChild<{ batches: FaninBatchResult[] }>(
      { task: 'fanin-batches', scenarios: SCENARIOS },
      { agentUrl: agent.url, timeoutMs: 240_000 },
    );
    agentBatches = agentRun.result.batches;
    await agent.waitForSpans(SCENARIOS.length, 60_000);
    const otlpRun = await runDdChild<{ batches: FaninBatchResult[] }>(
      { task: 'fanin-batches', scenarios: SCENARIOS },
      {
        agentUrl: agent.url,
        env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.tracesUrl },
        timeoutMs: 240_000,
      },
    );
    otlpBatches = otlpRun.result.batches;
    await otlp.waitForSpans(SCENARIOS.length, 60_000);
    blocked = [...agentRun.blocked, ...otlpRun.blocked];
  });

  after(async () => {
    await agent?.close();
    await otlp?.close();
  });

  it('talks to nothing but the fakes on 127.0.0.1', () => {
    assert.deepEqual(blocked, []);
  });

  it('agent mode: every tag parses, none passes the cut, every producer is reachable', () => {
    const rows: string[] = [];
    for (const [i, scenario] of SCENARIOS.entries()) {
      const batch = agentBatches[i];
      assert.ok(batch);
      assert.equal(batch.topic, faninBatchTopic(scenario));
      const reach = viaAgent(agent.spans, batch.topic);
      const share =
        batch.producers.filter((key) => reach.reached.has(key)).length / batch.producers.length;
      rows.push(
        `| ${scenario.count} | ${scenario.tracestateLength} | ${scenario.linkTraceState} | ${reach.spans} | ${reach.longestTag} | ${reach.unparsable} | ${(share * 100).toFixed(1)} % |`,
      );
      assert.equal(reach.unparsable, 0, batch.topic);
      assert.ok(
        reach.longestTag <= DD_SPAN_LINKS_MAX_LENGTH,
        `${batch.topic}: ${reach.longestTag}`,
      );
      assert.equal(share, 1, `${batch.topic}: every producer reachable`);
      assert.equal(reach.reached.size, batch.producers.length, 'each once');
    }
    console.log(
      [
        '| producers | tracestate chars | linkTraceState | spans (batch + spill) | longest _dd.span_links | unparsable | reachable |',
        '| ---: | ---: | :---: | ---: | ---: | ---: | ---: |',
        ...rows,
      ].join('\n'),
    );
  });

  it('links producers traced by dd-trace with Datadog headers only, beside W3C ones', async () => {
    const before = agent.spans.length;
    const run = await runDdChild<{ batch: FaninBatchResult }>(
      { task: 'fanin-datadog-producers', datadogProducers: 200, w3cProducers: 100 },
      { agentUrl: agent.url, env: { DD_TRACE_PROPAGATION_STYLE: 'datadog' } },
    );
    // 200 producer spans, the batch span and its spill spans.
    await agent.waitForSpans(before + 201, 60_000);
    const { topic, producers } = run.result.batch;
    const reach = viaAgent(agent.spans.slice(before), topic);
    const linked = producers.filter((key) => reach.reached.has(key)).length;
    console.log(
      `Datadog-header producers: ${linked} of ${producers.length} linked (200 dd-trace, 100 W3C)`,
    );
    assert.equal(linked, 300);
    assert.equal(reach.unparsable, 0);
    assert.deepEqual(run.blocked, []);
  });

  it('OTLP mode: every producer is reachable from the links that arrive', () => {
    for (const batch of otlpBatches) {
      const reached = viaOtlp(otlp.spans, batch.topic);
      const missing = batch.producers.filter((key) => !reached.has(key)).length;
      assert.equal(missing, 0, `${batch.topic}: ${missing} of ${batch.producers.length} missing`);
    }
  });
});
