import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, number } from '../report/format';
import { summariseProfile } from './cpu-profile';

/** Harness functions whose samples are not the code under measurement. */
const HARNESS = ['syntheticMessages', 'eachBatchPayload', 'collectGarbage', 'gc'];

/** A Markdown section per profile in `dir`: its top self-time functions. */
export function profileReport(dir: string, root: string): string {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort();
  return files
    .map((file) => {
      const summary = summariseProfile(join(dir, file), HARNESS, root);
      const rows = summary.top.map((entry) => [
        number(entry.ms, 1),
        `${number(entry.share * 100, 1)} %`,
        `\`${entry.name}\``,
        entry.location,
      ]);
      return [
        `**${file}** (${number(summary.totalMs)} ms sampled, idle and harness set-up left out)`,
        '',
        markdownTable(['self ms', 'share', 'function', 'where'], rows),
      ].join('\n');
    })
    .join('\n\n');
}
