import { ratioLabel, samplingVariant } from '../cases';
import type { Mode } from '../model';
import { markdownTable, number, signed } from './format';
import { extraOverNone, findRow, ratio } from './rows';
import type { RowSummary } from './summarise';

const MODES: readonly Mode[] = ['floor', 'fanin', 'fanin-link-sampler'];
/** A dropped batch span may cost at most this share, per message, of a recorded one. */
const DROPPED_TARGET = 0.15;

/** The ratio (cost at the low ratio over the high one) the target allows when a share `recorded` of batch spans records. */
export function samplingAllowance(recorded: number): number {
  return recorded + DROPPED_TARGET * (1 - recorded);
}

/**
 * Head sampling: for each traced mode, the extra wall and CPU time per
 * message at ratio 0.1 beside ratio 1.0 and their ratio; the share of batch
 * spans the sampler recorded at 0.1; the ratio the target allows with that
 * share (a dropped span costing at most 15 % of a recorded one:
 * s + 0.15 × (1 − s)); and the share of sampled producer traces linked
 * from a recorded span. n/a for a mode that did not run. Empty when the
 * sampling rows did not run.
 */
export function samplingTable(rows: RowSummary[], low = 0.1, high = 1): string {
  const lowVariant = samplingVariant(low);
  const highVariant = samplingVariant(high);
  const [lo, hi] = [ratioLabel(low), ratioLabel(high)];
  const header = [
    'mode',
    `Δ wall at ${hi}`,
    `Δ wall at ${lo}`,
    `${lo} / ${hi} (wall)`,
    `Δ CPU at ${hi}`,
    `Δ CPU at ${lo}`,
    `${lo} / ${hi} (CPU)`,
    `batch spans recorded at ${lo}`,
    `${lo} / ${hi} allowed by the target`,
    `sampled producer traces linked at ${lo}`,
  ];
  const lines: string[][] = [];
  for (const mode of MODES) {
    const atLow = findRow(rows, 'kafkajs-each-batch-sampled', lowVariant, mode);
    const atHigh = findRow(rows, 'kafkajs-each-batch-sampled', highVariant, mode);
    const planned = rows.some(
      (row) => row.caseId === 'kafkajs-each-batch-sampled' && row.mode === mode,
    );
    if (!planned) continue;
    const extraLow = extraOverNone(rows, atLow);
    const extraHigh = extraOverNone(rows, atHigh);
    if (!atLow || !extraLow || !extraHigh) {
      lines.push([mode, ...new Array<string>(header.length - 1).fill('n/a')]);
      continue;
    }
    const recorded = atLow.rootSpansSampled;
    lines.push([
      mode,
      signed(extraHigh.wallNs),
      signed(extraLow.wallNs),
      number(ratio(extraLow.wallNs, extraHigh.wallNs), 2),
      signed(extraHigh.cpuNs),
      signed(extraLow.cpuNs),
      number(ratio(extraLow.cpuNs, extraHigh.cpuNs), 2),
      percent(recorded),
      Number.isFinite(recorded) ? `≤ ${number(samplingAllowance(recorded), 2)}` : '–',
      percent(atLow.sampledProducersLinked),
    ]);
  }
  return lines.length > 0 ? markdownTable(header, lines) : '';
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${number(100 * share, 1)} %` : '–';
}
