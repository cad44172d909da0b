import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) that are read here. */
interface CpuProfile {
  /** µs of the monotonic clock, the one `process.hrtime` reads. */
  startTime: number;
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** A stretch of a profile to count, in µs of the profile's clock. */
export interface TimeRange {
  startUs: number;
  endUs: number;
}

export interface FunctionTime {
  name: string;
  location: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Sampled time counted: within the ranges, idle left out. */
  totalMs: number;
  /** Most time in the function itself. */
  self: FunctionTime[];
  /** Most time in the function and what it called, among the functions `focus` accepts. */
  inclusive: FunctionTime[];
}

type Node = CpuProfile['nodes'][number];

/**
 * The functions with the most time in a profile, counting only the samples
 * taken within `ranges` (the measured windows: no start-up, no harness
 * set-up, none of the collections forced between rounds) and not idle, so
 * the shares are shares of the work under measurement. Inclusive times are
 * listed for the functions whose location `focus` accepts.
 */
export function summariseProfile(
  file: string,
  ranges: TimeRange[],
  root: string,
  focus: (location: string) => boolean,
  limit = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, Node>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node);
  const keyOf = (node: Node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url ? `${shorten(url, root)}:${lineNumber + 1}` : '';
    return { key: `${functionName} ${location}`, name: functionName || '(anonymous)', location };
  };
  const inRange = (us: number) => ranges.some((range) => us >= range.startUs && us <= range.endUs);
  const self = new Tally();
  const inclusive = new Tally();
  let totalUs = 0;
  let now = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    now += delta;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)' || !inRange(now)) return;
    totalUs += delta;
    self.add(keyOf(node), delta);
    const onStack = new Set<string>();
    for (let frame: Node | undefined = node; frame; frame = parentOf.get(frame.id)) {
      const entry = keyOf(frame);
      if (!onStack.has(entry.key) && focus(entry.location)) inclusive.add(entry, delta);
      onStack.add(entry.key);
    }
  });
  return {
    totalMs: totalUs / 1000,
    self: self.top(limit, totalUs),
    inclusive: inclusive.top(limit, totalUs),
  };
}

/** Microseconds per function. */
class Tally {
  private readonly entries = new Map<string, { name: string; location: string; us: number }>();

  add(entry: { key: string; name: string; location: string }, us: number): void {
    const known = this.entries.get(entry.key) ?? {
      name: entry.name,
      location: entry.location,
      us: 0,
    };
    known.us += us;
    this.entries.set(entry.key, known);
  }

  top(limit: number, totalUs: number): FunctionTime[] {
    return [...this.entries.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, limit)
      .map((entry) => ({
        name: entry.name,
        location: entry.location,
        ms: entry.us / 1000,
        share: totalUs > 0 ? entry.us / totalUs : 0,
      }));
  }
}

/** A file URL made relative to the repository (node_modules paths kept from the package on). */
function shorten(url: string, root: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + '/node_modules/'.length);
  return path.startsWith('/') ? relative(root, path) : path;
}
