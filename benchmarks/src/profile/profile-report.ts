import { join } from 'node:path';
import { markdownTable, number } from '../report/format';
import { type FunctionTime, summariseProfile, type TimeRange } from './cpu-profile';

/** A profile a worker wrote, and the windows it measured. */
export interface WorkerProfile {
  file: string;
  windows: TimeRange[];
}

/** fanin's own code, whose inclusive times are listed. */
const isFaninCode = (location: string) => location.startsWith('packages/');

/**
 * A Markdown section per profile, within the measured windows: the top
 * self-time functions, and the top inclusive times of fanin's functions.
 */
export function profileReport(dir: string, profiles: WorkerProfile[], root: string): string {
  return profiles
    .map(({ file, windows }) => {
      const summary = summariseProfile(join(dir, file), windows, root, isFaninCode);
      return [
        `**${file}** (${number(summary.totalMs)} ms sampled in the measured windows, idle left out)`,
        '',
        table('self', summary.self),
        '',
        table('inclusive', summary.inclusive.slice(0, 8)),
      ].join('\n');
    })
    .join('\n\n');
}

function table(kind: 'self' | 'inclusive', entries: FunctionTime[]): string {
  const rows = entries.map((entry) => [
    number(entry.ms, 1),
    `${number(entry.share * 100, 1)} %`,
    `\`${entry.name}\``,
    entry.location,
  ]);
  return markdownTable([`${kind} ms`, 'share', 'function', 'where'], rows);
}
