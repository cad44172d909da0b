import type { CaseId } from '../cases';
import type { Mode } from '../model';
import { markdownTable, number, signed } from './format';
import { extraOverNone, findRow, ratio } from './rows';
import type { RowSummary } from './summarise';

const CASES: readonly CaseId[] = ['kafkajs-each-batch', 'kafkajs-each-message'];
/** Each pair: spans alone, and the same with an SDK MeterProvider recording the metrics. */
const PAIRS: ReadonlyArray<{ spans: Mode; withMetrics: Mode }> = [
  { spans: 'fanin', withMetrics: 'fanin-metrics' },
  { spans: 'floor', withMetrics: 'floor-metrics' },
];

/**
 * fanin with metrics against fanin without, for each in-process row that ran
 * both: extra wall and CPU time per message over none, and their ratio (the
 * target: at most 1.1); beside it, where the row ran them, the hand-written
 * reference with and without the conventions' per-message duration
 * histogram (what recording it costs on the stock SDK). Empty when no such
 * row ran.
 */
export function metricsTable(rows: RowSummary[]): string {
  const header = [
    'case',
    'msgs/call',
    'spans by',
    'Δ wall spans',
    'Δ wall spans + metrics',
    '× (wall)',
    'Δ CPU spans',
    'Δ CPU spans + metrics',
    '× (CPU)',
  ];
  const lines: string[][] = [];
  for (const caseId of CASES) {
    const variants = [
      ...new Set(rows.filter((row) => row.caseId === caseId).map((row) => row.variant)),
    ];
    for (const variant of variants) {
      for (const pair of PAIRS) {
        const spans = extraOverNone(rows, findRow(rows, caseId, variant, pair.spans));
        const both = extraOverNone(rows, findRow(rows, caseId, variant, pair.withMetrics));
        if (!spans || !both) continue;
        lines.push([
          caseId,
          variant === '' ? '1' : number(Number(variant)),
          pair.spans,
          signed(spans.wallNs),
          signed(both.wallNs),
          number(ratio(both.wallNs, spans.wallNs), 2),
          signed(spans.cpuNs),
          signed(both.cpuNs),
          number(ratio(both.cpuNs, spans.cpuNs), 2),
        ]);
      }
    }
  }
  return lines.length > 0 ? markdownTable(header, lines) : '';
}
