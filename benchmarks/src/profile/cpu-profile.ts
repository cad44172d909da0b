import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) that are read here. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  location: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Sampled time counted (idle time and the excluded functions left out). */
  totalMs: number;
  top: SelfTime[];
}

/**
 * The functions with the most self time in a profile. Samples under any
 * function named in `exclude` (e.g. the harness building its synthetic
 * messages) are left out, and so is idle time, so the shares are shares of
 * the work under measurement.
 */
export function summariseProfile(
  file: string,
  exclude: string[],
  root: string,
  limit = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const excludedCache = new Map<number, boolean>();
  const excluded = (id: number): boolean => {
    const known = excludedCache.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parent = parentOf.get(id);
    const result =
      node === undefined ||
      node.callFrame.functionName === '(idle)' ||
      exclude.includes(node.callFrame.functionName) ||
      (parent !== undefined && excluded(parent));
    excludedCache.set(id, result);
    return result;
  };
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    if (excluded(id)) return;
    const delta = profile.timeDeltas[index] ?? 0;
    const { functionName, url, lineNumber } = (byId.get(id) as CpuProfile['nodes'][number])
      .callFrame;
    const location = url ? `${shorten(url, root)}:${lineNumber + 1}` : '';
    const key = `${functionName} ${location}`;
    const entry = selfUs.get(key) ?? { name: functionName || '(anonymous)', location, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
    totalUs += delta;
  });
  const top = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((entry) => ({
      name: entry.name,
      location: entry.location,
      ms: entry.us / 1000,
      share: totalUs > 0 ? entry.us / totalUs : 0,
    }));
  return { totalMs: totalUs / 1000, top };
}

/** A file URL made relative to the repository (node_modules paths kept from the package on). */
function shorten(url: string, root: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + '/node_modules/'.length);
  return path.startsWith('/') ? relative(root, path) : path;
}
