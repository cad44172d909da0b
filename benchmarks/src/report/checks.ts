import { type RowKey, rowName } from '../cases';
import type { Sample } from '../model';
import { isTraced, linksProducers } from '../modes';
import type { RowSummary } from './summarise';

/** What a row's samples must show, beyond having run. */
export interface RowExpectation {
  /** Messages every window must have handled. */
  messages?: number;
  /** Whether each window counted its heap allocations (in-process rows). */
  allocations: boolean;
  /** The sampling ratio of a head-sampling row. */
  samplingRatio?: number;
}

/**
 * What must hold for every row, whatever the timings: it ran (unless marked
 * unavailable), every job succeeded and handled its messages, uninstrumented
 * workers recorded nothing, traced ones exported spans, the linking modes
 * exported links, in-process windows counted allocations. Under sampling
 * below 1, a window may rightly record no batch span, so there the sampler
 * must have decided on every batch span instead, and a recorded batch span
 * must carry links. Returns one line per problem; none means the run passed.
 */
export function checkRows(
  rows: RowSummary[],
  expectation: (key: RowKey) => RowExpectation,
): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.unavailable) continue;
    const name = `${rowName(row)} ${row.mode}`;
    for (const failure of row.failures) problems.push(`${name}: ${firstLine(failure)}`);
    if (row.samples.length === 0 && row.failures.length === 0) {
      problems.push(`${name}: no sample`);
      continue;
    }
    const expected = expectation(row);
    for (const sample of row.samples) {
      for (const problem of sampleProblems(row, sample, expected)) {
        problems.push(`${name}: ${problem}`);
      }
    }
  }
  return problems;
}

function sampleProblems(row: RowSummary, sample: Sample, expected: RowExpectation): string[] {
  const problems: string[] = [];
  if (sample.messages <= 0 || sample.calls <= 0) problems.push('handled no message');
  if (expected.messages !== undefined && sample.messages !== expected.messages) {
    problems.push(`handled ${sample.messages} messages, expected ${expected.messages}`);
  }
  if (expected.allocations && !((sample.allocatedBytes ?? 0) > 0)) {
    problems.push('counted no heap allocation');
  }
  if (!isTraced(row.mode)) {
    if (sample.spansStarted > 0) {
      problems.push(`recorded ${sample.spansStarted} spans without instrumentation`);
    }
    return problems;
  }
  const sampledDown = expected.samplingRatio !== undefined && expected.samplingRatio < 1;
  if (sampledDown) {
    if (sample.rootDecisions < sample.calls) {
      problems.push(
        `the sampler decided on ${sample.rootDecisions} of ${sample.calls} batch spans`,
      );
    }
    if (linksProducers(row.mode) && sample.spansExported > 0 && sample.linksExported === 0) {
      problems.push('exported spans without links');
    }
  } else {
    if (sample.spansExported === 0) problems.push('exported no span');
    if (linksProducers(row.mode) && sample.linksExported === 0) problems.push('exported no link');
  }
  if (
    sample.sampledProducers !== undefined &&
    sample.sampledLinksExported > sample.sampledProducers
  ) {
    problems.push(
      `exported ${sample.sampledLinksExported} links to sampled producers, of ${sample.sampledProducers}`,
    );
  }
  return problems;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
