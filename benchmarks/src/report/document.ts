import { caseInfo } from '../cases';
import { type Machine, machineLine } from './machine';
import type { RowSummary } from './summarise';
import { brokerTable, failureList, inProcessTable } from './tables';

export interface RunRecord {
  kind: 'full' | 'quick' | 'partial';
  runId: string;
  startedAt: string;
  durationSeconds: number;
  args: string[];
  machine: Machine;
  settings: object;
  rows: RowSummary[];
  problems: string[];
}

/** The run as Markdown: where it ran, the two tables, and what failed. */
export function markdownReport(run: RunRecord): string {
  const { machine } = run;
  const versions = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const parts = [
    `Run \`${run.runId}\` (${run.kind}${run.args.length ? `: ${run.args.join(' ')}` : ''}), ` +
      `${run.startedAt}, ${(run.durationSeconds / 60).toFixed(1)} min.`,
    '',
    `- Machine: ${machineLine(machine)}`,
    `- Commit: ${machine.commit}`,
    `- Brokers: ${machine.brokers.join('; ') || 'none used'}`,
    `- Versions: ${versions}`,
  ];
  const inProcess = run.rows.filter((row) => caseInfo(row.caseId).source === 'in-process');
  const broker = run.rows.filter((row) => caseInfo(row.caseId).source === 'broker');
  if (inProcess.length > 0) {
    parts.push(
      '',
      '**In process** (handler driven directly, no broker)',
      '',
      inProcessTable(inProcess),
    );
  }
  if (broker.length > 0) {
    parts.push('', '**Real brokers** (consumer process)', '', brokerTable(broker));
  }
  const failures = failureList(run.rows);
  if (run.problems.length > 0) {
    parts.push('', '**Problems**', '', ...run.problems.map((problem) => `- ${problem}`));
  }
  if (failures) parts.push('', '**Failures**', '', failures);
  return `${parts.join('\n')}\n`;
}
