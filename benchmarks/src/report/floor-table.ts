import { type CaseId, caseInfo } from '../cases';
import type { Mode } from '../model';
import { markdownTable, number, signed } from './format';
import { extraOverNone, findRow, ratio } from './rows';
import type { RowSummary } from './summarise';

const REFERENCES: readonly Mode[] = ['floor', 'floor-bare'];
const CASES: readonly CaseId[] = ['kafkajs-each-batch', 'kafkajs-each-message'];

/**
 * fanin's extra cost over none as a multiple of the floor's (the hand-written
 * reference), from the same run, for each eachBatch and eachMessage row that ran both:
 * wall and CPU time and heap bytes allocated, per message (medians).
 * Empty when no such row ran.
 */
export function floorTable(rows: RowSummary[]): string {
  const header = [
    'case',
    'msgs/call',
    'reference',
    'Δ wall fanin',
    'Δ wall ref',
    'fanin / ref (wall)',
    'Δ CPU fanin',
    'Δ CPU ref',
    'fanin / ref (CPU)',
    'Δ alloc B/msg fanin',
    'Δ alloc B/msg ref',
    'fanin / ref (alloc)',
  ];
  const lines: string[][] = [];
  for (const caseId of CASES) {
    const variants = [
      ...new Set(rows.filter((row) => row.caseId === caseId).map((row) => row.variant)),
    ];
    for (const variant of variants) {
      const fanin = extraOverNone(rows, findRow(rows, caseId, variant, 'fanin'));
      if (!fanin) continue;
      for (const reference of REFERENCES) {
        const floor = extraOverNone(rows, findRow(rows, caseId, variant, reference));
        if (!floor) continue;
        lines.push([
          `${caseInfo(caseId).issueCase}. ${caseId}`,
          variant ? number(Number(variant)) : '1',
          reference,
          signed(fanin.wallNs),
          signed(floor.wallNs),
          number(ratio(fanin.wallNs, floor.wallNs), 2),
          signed(fanin.cpuNs),
          signed(floor.cpuNs),
          number(ratio(fanin.cpuNs, floor.cpuNs), 2),
          signed(fanin.allocatedBytes),
          signed(floor.allocatedBytes),
          number(ratio(fanin.allocatedBytes, floor.allocatedBytes), 2),
        ]);
      }
    }
  }
  return lines.length > 0 ? markdownTable(header, lines) : '';
}
