import type { LinkScenario } from './link-scenarios';

/** What dd-child.ts is asked to do. */
export type ChildJob =
  | {
      task: 'links';
      scenarios: LinkScenario[];
      /** Also spans linking to this many spans of the child itself, per entry. */
      localLinkCounts?: number[];
    }
  | { task: 'inject-datadog-headers' };

/** dd-child.ts prints its result as one line starting with this. */
export const RESULT_MARKER = 'FANIN_DD_CHILD_RESULT ';
