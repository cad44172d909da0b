import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from './document';

export const RESULTS_DIR = join(__dirname, '..', '..', 'results');
const README = join(__dirname, '..', '..', 'README.md');
const README_START = '<!-- latest-results:start -->';
const README_END = '<!-- latest-results:end -->';

/**
 * A complete full run becomes `results/latest.{json,md,svg}`, is kept in
 * `results/history/<run id>.{json,svg}`, and its Markdown replaces the latest
 * table in the README. Quick and partial runs only go to `results/scratch/`
 * (not committed). The chart is written when there is one. Returns the files
 * written.
 */
export function writeResults(run: RunRecord, markdown: string, chart?: string): string[] {
  const json = `${JSON.stringify(run, null, 2)}\n`;
  const written: string[] = [];
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    written.push(path);
  };
  if (run.kind === 'full') {
    mkdirSync(join(RESULTS_DIR, 'history'), { recursive: true });
    write(join(RESULTS_DIR, 'latest.json'), json);
    write(join(RESULTS_DIR, 'latest.md'), markdown);
    write(join(RESULTS_DIR, 'history', `${run.runId}.json`), json);
    if (chart) {
      write(join(RESULTS_DIR, 'latest.svg'), chart);
      write(join(RESULTS_DIR, 'history', `${run.runId}.svg`), chart);
    }
    if (updateReadme(markdown)) written.push(README);
  } else {
    const dir = join(RESULTS_DIR, 'scratch');
    mkdirSync(dir, { recursive: true });
    write(join(dir, `${run.kind}-latest.json`), json);
    write(join(dir, `${run.kind}-latest.md`), markdown);
    if (chart) write(join(dir, `${run.kind}-latest.svg`), chart);
  }
  return written;
}

function updateReadme(markdown: string): boolean {
  if (!existsSync(README)) return false;
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const updated = `${text.slice(0, start + README_START.length)}\n${markdown}${text.slice(end)}`;
  writeFileSync(README, updated);
  return true;
}
