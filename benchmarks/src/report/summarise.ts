import type { RowKey } from '../cases';
import type { Mode, Sample } from '../model';
import type { RowResult } from '../runner/collector';
import { type Stat, stat } from './stats';

/** A row's samples reduced to the figures the table shows (medians with min–max). */
export interface RowSummary extends RowKey {
  mode: Mode;
  failures: string[];
  /** Why the row was not run (n/a), if it was not. */
  unavailable?: string;
  samples: Sample[];
  wallNsPerMessage: Stat;
  cpuNsPerMessage: Stat;
  messagesPerSecond: Stat;
  messagesPerCall: Stat;
  spansStartedPerCall: Stat;
  spansExportedPerCall: Stat;
  linksExportedPerCall: Stat;
  /** Spans started but never exported (the BatchSpanProcessor's full queue), over all samples. */
  spansDropped: number;
  spansStarted: number;
  heapPeakMB: Stat;
  /** Heap bytes allocated per message (in-process rows; NaN elsewhere). */
  allocatedBytesPerMessage: Stat;
  /** Of the sampled producers of all samples, the share linked from an exported span (NaN without any). */
  sampledProducersLinked: number;
  /** Of the spans without a parent that a counted sampler decided on, the share it sampled (NaN without any). */
  rootSpansSampled: number;
}

export function summarise(row: RowResult): RowSummary {
  const per = (value: (sample: Sample) => number) => stat(row.samples.map(value));
  const total = (value: (sample: Sample) => number) => sum(row.samples.map(value));
  const allocating = row.samples.filter((s) => s.allocatedBytes !== undefined);
  return {
    caseId: row.caseId,
    variant: row.variant,
    mode: row.mode,
    failures: row.failures,
    ...(row.unavailable ? { unavailable: row.unavailable } : {}),
    samples: row.samples,
    wallNsPerMessage: per((s) => s.wallNs / s.messages),
    cpuNsPerMessage: per((s) => (s.cpuUs * 1000) / s.messages),
    messagesPerSecond: per((s) => s.messages / (s.wallNs / 1e9)),
    messagesPerCall: per((s) => s.messages / s.calls),
    spansStartedPerCall: per((s) => s.spansStarted / s.calls),
    spansExportedPerCall: per((s) => s.spansExported / s.calls),
    linksExportedPerCall: per((s) => s.linksExported / s.calls),
    spansDropped: sum(row.samples.map((s) => s.spansStarted - s.spansExported)),
    spansStarted: sum(row.samples.map((s) => s.spansStarted)),
    heapPeakMB: per((s) => s.heapPeakBytes / 1e6),
    allocatedBytesPerMessage: stat(
      allocating.map((s) => (s.allocatedBytes as number) / s.messages),
    ),
    sampledProducersLinked: share(
      total((s) => s.sampledLinksExported),
      total((s) => s.sampledProducers ?? 0),
    ),
    rootSpansSampled: share(
      total((s) => s.rootSampled),
      total((s) => s.rootDecisions),
    ),
  };
}

function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : Number.NaN;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
