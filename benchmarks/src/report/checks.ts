import { type RowKey, rowName } from '../cases';
import type { RowSummary } from './summarise';

/**
 * What must hold for every row, whatever the timings: it ran, every job
 * succeeded and handled messages, uninstrumented workers recorded nothing,
 * instrumented ones exported spans, and fanin exported links. Returns one
 * line per problem; none means the run counts as passed.
 */
export function checkRows(
  rows: RowSummary[],
  expectedMessages: (key: RowKey) => number | undefined,
): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const name = `${rowName(row)} ${row.mode}`;
    for (const failure of row.failures) problems.push(`${name}: ${firstLine(failure)}`);
    if (row.samples.length === 0) {
      problems.push(`${name}: no sample`);
      continue;
    }
    const expected = expectedMessages(row);
    for (const sample of row.samples) {
      if (sample.messages <= 0 || sample.calls <= 0) problems.push(`${name}: handled no message`);
      if (expected !== undefined && sample.messages !== expected) {
        problems.push(`${name}: handled ${sample.messages} messages, expected ${expected}`);
      }
      if (row.mode === 'none' && sample.spansStarted > 0) {
        problems.push(`${name}: recorded ${sample.spansStarted} spans without instrumentation`);
      }
      if (row.mode !== 'none' && sample.spansExported === 0) {
        problems.push(`${name}: exported no span`);
      }
      if (row.mode === 'fanin' && sample.linksExported === 0) {
        problems.push(`${name}: exported no link`);
      }
    }
  }
  return problems;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
