import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart } from './report/chart';
import { markdownReport, type RunRecord } from './report/document';
import { RESULTS_DIR, writeResults } from './report/results-files';

/**
 * Writes the latest full run's Markdown, README table and chart again from
 * `results/latest.json`, with the report code as it is now (after a table
 * was added or changed), without measuring anything again.
 */
function rerender(): void {
  const record = JSON.parse(readFileSync(join(RESULTS_DIR, 'latest.json'), 'utf8')) as RunRecord;
  if (record.kind !== 'full') throw new Error('results/latest.json does not hold a full run');
  for (const file of writeResults(
    record,
    markdownReport(record),
    barChart(record.rows, record.runId),
  )) {
    process.stdout.write(`wrote ${file}\n`);
  }
}

rerender();
