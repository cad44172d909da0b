import type { LinkScenario } from './link-scenarios';

/** What dd-child.ts is asked to do. */
export type ChildJob =
  | {
      task: 'links';
      scenarios: LinkScenario[];
      /** Also spans linking to this many spans of the child itself, per entry. */
      localLinkCounts?: number[];
    }
  | { task: 'inject-datadog-headers' }
  | { task: 'fanin-batches'; scenarios: FaninBatchScenario[] }
  | { task: 'fanin-datadog-producers'; datadogProducers: number; w3cProducers: number };

/** One eachBatch call through fanin's kafkajs instrumentation, under dd-trace. */
export interface FaninBatchScenario {
  /** Distinct producers, one message each. */
  count: number;
  /** Length of every producer's tracestate header. */
  tracestateLength: number;
  /** fanin's `linkTraceState` option (default false). */
  linkTraceState: boolean;
}

/** The topic a scenario's batch comes from: its batch span is `process {topic}`. */
export function faninBatchTopic(scenario: FaninBatchScenario): string {
  return `orders-n${scenario.count}-ts${scenario.tracestateLength}-${scenario.linkTraceState ? 'keep' : 'plain'}`;
}

/** dd-child.ts prints its result as one line starting with this. */
export const RESULT_MARKER = 'FANIN_DD_CHILD_RESULT ';
