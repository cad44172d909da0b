// What Datadog's tracer (dd-trace 6, OpenTelemetry bridge) delivers of a span's
// links, in agent mode and in OTLP mode, against link-size.ts's prediction.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DD_SPAN_LINKS_MAX_LENGTH, ddSpanLinksLength } from '@fanin/core/adapter';
import { runDdChild } from './dd-harness';
import { startFakeAgent } from './fake-agent';
import { scenarioLinks, scenarioName } from './link-scenarios';
import {
  faninScenarios,
  formatTable,
  type Measurement,
  measureSpanLinks,
  parseLinks,
  type ScenarioOutcome,
  TRACESTATE_LENGTHS,
} from './span-links-measurement';

const HOSTILE_SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe('dd-trace span links', () => {
  let measurement: Measurement;
  before(async () => {
    measurement = await measureSpanLinks(
      [...faninScenarios(), ...HOSTILE_SEEDS.map((seed) => ({ kind: 'hostile' as const, seed }))],
      [1, 2, 3, 10, 30],
    );
    console.log(`\n${formatTable(measurement.outcomes)}\n`);
  });

  const fanin = () => measurement.outcomes.filter((o) => o.scenario.kind === 'fanin');
  const hostile = () => measurement.outcomes.filter((o) => o.scenario.kind === 'hostile');
  const fits = (o: ScenarioOutcome) => o.predictedLength <= DD_SPAN_LINKS_MAX_LENGTH;

  it('talks only to the fake agent and the fake OTLP receiver', () => {
    assert.deepEqual(measurement.blocked, []);
    assert.ok(measurement.agentPaths.includes('PUT /v0.4/traces'), measurement.agentPaths.join());
    assert.deepEqual(measurement.otlpRequests, ['POST /v1/traces']);
    assert.deepEqual(measurement.otlpContentTypes, ['application/json']);
  });

  it('predicts the same lengths in the dd-trace process as here', () => {
    for (const o of measurement.outcomes) assert.equal(o.childPredictedLength, o.predictedLength);
  });

  it('covers links on both sides of the cut for every tracestate length', () => {
    for (const length of TRACESTATE_LENGTHS) {
      const ofLength = fanin().filter(
        (o) => o.scenario.kind === 'fanin' && o.scenario.tracestateLength === length,
      );
      assert.ok(ofLength.some(fits) && ofLength.some((o) => !fits(o)), `tracestate ${length}`);
    }
  });

  it('agent mode: below the cut, _dd.span_links is exactly as long as predicted and parses', () => {
    for (const o of [...fanin(), ...hostile()].filter(fits)) {
      assert.equal(o.agentTag?.length, o.predictedLength, o.name);
      assert.deepEqual(parseLinks(o.agentTag), { parses: true, links: o.linkCount }, o.name);
    }
    assert.ok(hostile().every(fits), 'the hostile scenarios are meant to stay below the cut');
  });

  it('agent mode: links to spans of the same process: exact, or over by undecided flags', () => {
    assert.equal(measurement.localOutcomes.length, 10);
    for (const o of measurement.localOutcomes) {
      assert.deepEqual(parseLinks(o.agentTag), { parses: true, links: o.linkCount }, o.name);
      const actual = o.agentTag?.length ?? 0;
      if (o.order === 'linked spans end first') {
        assert.equal(actual, o.predictedLength, o.name);
      } else {
        // Linked traces still undecided at export get no flags: 10 characters each.
        const overBy = o.predictedLength - actual;
        assert.ok(overBy >= 0 && overBy <= 10 * o.linkCount && overBy % 10 === 0, o.name);
      }
    }
  });

  it('agent mode: past the cut, the tag is cut at 25,000 characters and no link survives', () => {
    for (const o of fanin().filter((x) => !fits(x))) {
      assert.equal(o.agentTag?.length, DD_SPAN_LINKS_MAX_LENGTH + 3, o.name);
      assert.ok(o.agentTag?.endsWith('...'), o.name);
      assert.equal(parseLinks(o.agentTag).parses, false, o.name);
    }
  });

  it("agent mode: each link carries fanin's ids, string attributes, flags and tracestate", () => {
    const single = fanin().filter((o) => o.linkCount === 1);
    assert.equal(single.length, TRACESTATE_LENGTHS.length);
    for (const o of single) {
      const [link] = JSON.parse(o.agentTag ?? '') as Record<string, unknown>[];
      const [expected] = scenarioLinks(o.scenario);
      assert.ok(expected);
      const tracestate = expected.context.traceState?.serialize();
      assert.deepEqual(
        link,
        {
          trace_id: expected.context.traceId,
          span_id: expected.context.spanId,
          attributes: Object.fromEntries(
            Object.entries(expected.attributes ?? {}).map(([k, v]) => [k, String(v)]),
          ),
          flags: 1,
          ...(tracestate === undefined ? {} : { tracestate }),
        },
        o.name,
      );
    }
  });

  it('OTLP mode: the links that fit arrive, past the cut the span has no links at all', () => {
    for (const o of fanin()) {
      assert.ok(o.otlpSpan, `no OTLP span ${o.name}`);
      if (fits(o)) {
        assert.equal(o.otlpSpan.links?.length, o.linkCount, o.name);
      } else {
        assert.equal(o.otlpSpan.links, undefined, o.name);
        assert.equal(o.otlpSpan.droppedLinksCount, 0, o.name);
      }
    }
  });

  it('the bridge is recognisable: isDatadogBridgeTracerProvider() holds under dd-trace', () => {
    assert.equal(measurement.bridge.isDatadogBridgeTracerProvider, true);
    assert.equal(measurement.bridge.delegateIsDdTracerProvider, true);
    assert.equal(measurement.bridge.spanHasDdSpan, true);
  });
});

describe('dd-trace span links over /v0.5/traces', () => {
  it('arrive as the same _dd.span_links tag as over /v0.4', async () => {
    const scenarios = faninScenarios().filter((s) => s.count <= 129 && s.tracestateLength === 80);
    const agent = await startFakeAgent();
    try {
      await runDdChild(
        { task: 'links', scenarios },
        { agentUrl: agent.url, env: { DD_TRACE_AGENT_PROTOCOL_VERSION: '0.5' } },
      );
      await agent.waitForSpans(scenarios.length + 1);
      assert.ok(agent.requests.some((r) => r.path === '/v0.5/traces'));
      assert.ok(!agent.requests.some((r) => r.path === '/v0.4/traces'));
      for (const scenario of scenarios) {
        const tag = agent.spans.find((s) => s.name === scenarioName(scenario))?.meta[
          '_dd.span_links'
        ];
        const predicted = ddSpanLinksLength(scenarioLinks(scenario));
        const expected =
          predicted <= DD_SPAN_LINKS_MAX_LENGTH ? predicted : DD_SPAN_LINKS_MAX_LENGTH + 3;
        assert.equal(tag?.length, expected, scenarioName(scenario));
      }
    } finally {
      await agent.close();
    }
  });
});
