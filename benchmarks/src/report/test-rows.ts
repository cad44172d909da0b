import type { RowKey } from '../cases';
import type { Mode, Sample } from '../model';
import { type RowSummary, summarise } from './summarise';

/** Test support: a window of 10 batches of 1,000 messages that every check accepts for a linking mode. */
export function testSample(overrides: Partial<Sample> = {}): Sample {
  return {
    messages: 10_000,
    calls: 10,
    wallNs: 1e7,
    cpuUs: 1e4,
    spansStarted: 10,
    spansEnded: 10,
    spansExported: 10,
    linksExported: 10_000,
    sampledLinksExported: 1_000,
    sampledProducers: 1_000,
    rootDecisions: 10,
    rootSampled: 10,
    allocatedBytes: 1e6,
    heapPeakBytes: 1e6,
    startUs: 0,
    endUs: 1,
    ...overrides,
  };
}

/** Test support: a summarised row whose windows took `wallNsPerMessage` (CPU the same) and allocated `bytesPerMessage`. */
export function testRow(
  key: RowKey,
  mode: Mode,
  wallNsPerMessage: number[],
  bytesPerMessage = 0,
  overrides: Partial<Sample> = {},
): RowSummary {
  const samples = wallNsPerMessage.map((ns) =>
    testSample({
      wallNs: ns * 10_000,
      cpuUs: ns * 10,
      allocatedBytes: bytesPerMessage * 10_000,
      ...overrides,
    }),
  );
  return summarise({ ...key, mode, samples, failures: [] });
}
