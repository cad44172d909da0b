// The span-links measurement against real dd-trace: one child process per
// export mode makes one span per scenario; what arrived at the fake agent
// (agent mode, msgpack) and at the fake OTLP receiver (OTLP mode, JSON) is
// put side by side with what link-size.ts predicts.
import { DD_SPAN_LINKS_MAX_LENGTH, ddSpanLinksLength } from '@fanin/core/adapter';
import { runDdChild } from './dd-harness';
import { type AgentSpan, startFakeAgent } from './fake-agent';
import { type OtlpSpan, startFakeOtlpReceiver } from './fake-otlp-receiver';
import {
  type FaninLinksScenario,
  faninLinks,
  type LinkScenario,
  scenarioLinks,
  scenarioName,
} from './link-scenarios';

export const LINK_COUNTS = [1, 122, 123, 128, 129, 300, 1000];
export const TRACESTATE_LENGTHS = [0, 80, 512];

export interface BridgeFacts {
  proxyConstructor: string;
  delegateConstructor: string;
  delegateIsDdTracerProvider: boolean;
  globalDdtraceIsTracer: boolean;
  tracerConstructor: string;
  tracerHasTracerProvider: boolean;
  spanConstructor: string;
  spanHasDdSpan: boolean;
  spanContextHasDdContext: boolean;
  isDatadogBridgeTracerProvider: boolean;
}

interface ChildSpan {
  name: string;
  traceId: string;
  spanId: string;
  linkCount: number;
  predictedLength: number;
}

interface LocalChildSpan {
  name: string;
  order: 'linked spans end first' | 'linking span ends first';
  linkCount: number;
  predictedLength: number;
}

interface ChildResult {
  bridge: BridgeFacts;
  spans: ChildSpan[];
  localSpans: LocalChildSpan[];
}

/** A span linking to spans of the dd-trace process itself; predicted there. */
export interface LocalOutcome {
  name: string;
  order: 'linked spans end first' | 'linking span ends first';
  linkCount: number;
  predictedLength: number;
  agentTag: string | undefined;
}

export interface ScenarioOutcome {
  scenario: LinkScenario;
  name: string;
  linkCount: number;
  /** `ddSpanLinksLength` of the links, computed in this process. */
  predictedLength: number;
  /** The same, computed in the dd-trace child (must be equal). */
  childPredictedLength: number;
  /** What the agent got as `_dd.span_links`, or undefined when the span had none. */
  agentTag: string | undefined;
  agentSpan: AgentSpan;
  otlpSpan: OtlpSpan | undefined;
}

export interface Measurement {
  outcomes: ScenarioOutcome[];
  localOutcomes: LocalOutcome[];
  bridge: BridgeFacts;
  blocked: string[];
  agentPaths: string[];
  otlpRequests: string[];
  otlpContentTypes: string[];
}

/** The most fanin links (as `faninLinks` makes them) whose tag stays within the cut. */
export function mostLinksWithinCut(tracestateLength: number): number {
  let count = 1;
  while (ddSpanLinksLength(faninLinks(count + 1, tracestateLength)) <= DD_SPAN_LINKS_MAX_LENGTH) {
    count++;
  }
  return count;
}

/** The table's scenarios, and for each tracestate length the two on either side of the cut. */
export function faninScenarios(): FaninLinksScenario[] {
  const scenarios: FaninLinksScenario[] = [];
  for (const tracestateLength of TRACESTATE_LENGTHS) {
    const edge = mostLinksWithinCut(tracestateLength);
    const counts = new Set([...LINK_COUNTS, edge, edge + 1]);
    for (const count of [...counts].sort((a, b) => a - b)) {
      scenarios.push({ kind: 'fanin', count, tracestateLength });
    }
  }
  return scenarios;
}

export async function measureSpanLinks(
  scenarios: LinkScenario[],
  localLinkCounts: number[] = [],
): Promise<Measurement> {
  const agent = await startFakeAgent();
  const otlp = await startFakeOtlpReceiver();
  try {
    const agentRun = await runDdChild<ChildResult>(
      { task: 'links', scenarios, localLinkCounts },
      { agentUrl: agent.url },
    );
    // One more span per run: the one dd-child.ts makes to read the bridge facts.
    const localSpans = localLinkCounts.reduce((sum, count) => sum + 2 * (count + 1), 0);
    await agent.waitForSpans(scenarios.length + 1 + localSpans);
    const otlpRun = await runDdChild<ChildResult>(
      { task: 'links', scenarios },
      {
        agentUrl: agent.url,
        env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.tracesUrl },
      },
    );
    await otlp.waitForSpans(scenarios.length + 1);
    const outcomes = scenarios.map((scenario, i): ScenarioOutcome => {
      const name = scenarioName(scenario);
      const agentSpan = agent.spans.find((span) => span.name === name);
      if (agentSpan === undefined) throw new Error(`the agent got no span ${name}`);
      const links = scenarioLinks(scenario);
      return {
        scenario,
        name,
        linkCount: links.length,
        predictedLength: ddSpanLinksLength(links),
        childPredictedLength: agentRun.result.spans[i]?.predictedLength ?? Number.NaN,
        agentTag: agentSpan.meta['_dd.span_links'],
        agentSpan,
        otlpSpan: otlp.spans.find((span) => span.name === name),
      };
    });
    const localOutcomes = agentRun.result.localSpans.map((local) => ({
      ...local,
      agentTag: agent.spans.find((span) => span.name === local.name)?.meta['_dd.span_links'],
    }));
    return {
      outcomes,
      localOutcomes,
      bridge: agentRun.result.bridge,
      blocked: [...agentRun.blocked, ...otlpRun.blocked],
      agentPaths: [...new Set(agent.requests.map((r) => `${r.method} ${r.path}`))],
      otlpRequests: [...new Set(otlp.paths)],
      otlpContentTypes: [...new Set(otlp.contentTypes)],
    };
  } finally {
    await agent.close();
    await otlp.close();
  }
}

/** Whether `text` is valid JSON, and the number of array elements when it is an array. */
export function parseLinks(text: string | undefined): { parses: boolean; links: number } {
  if (text === undefined) return { parses: false, links: 0 };
  try {
    const parsed: unknown = JSON.parse(text);
    return { parses: true, links: Array.isArray(parsed) ? parsed.length : 0 };
  } catch {
    return { parses: false, links: 0 };
  }
}

/** The measurement as a Markdown table, one row per fanin scenario. */
export function formatTable(outcomes: ScenarioOutcome[]): string {
  const rows = [
    '| links N | tracestate chars | predicted `_dd.span_links` chars | agent: tag chars | agent: JSON parses | agent: links arriving | OTLP: links arriving |',
    '| ---: | ---: | ---: | ---: | :---: | ---: | ---: |',
  ];
  for (const outcome of outcomes) {
    if (outcome.scenario.kind !== 'fanin') continue;
    const agent = parseLinks(outcome.agentTag);
    rows.push(
      `| ${outcome.linkCount} | ${outcome.scenario.tracestateLength} | ${outcome.predictedLength} | ` +
        `${outcome.agentTag?.length ?? '-'} | ${agent.parses ? 'yes' : 'no'} | ${agent.links} | ` +
        `${outcome.otlpSpan?.links?.length ?? 0} |`,
    );
  }
  return rows.join('\n');
}
