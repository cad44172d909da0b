import { caseInfo } from '../cases';
import { floorTable } from './floor-table';
import { type Machine, machineLine } from './machine';
import { metricsTable } from './metrics-table';
import { samplingTable } from './sampling-table';
import type { RowSummary } from './summarise';
import { brokerTable, failureList, inProcessTable, unavailableList } from './tables';
import { targetsTable } from './targets-table';

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

/**
 * The run as Markdown: where it ran, the in-process and broker tables, fanin
 * against the floor, head sampling, what did not run, and what failed.
 */
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
  const floor = floorTable(inProcess);
  if (floor) {
    parts.push(
      '',
      "**fanin against the floor** (extra per message over none, as a multiple of the hand-written reference's; same run)",
      '',
      floor,
    );
  }
  const metrics = metricsTable(inProcess);
  if (metrics) {
    parts.push(
      '',
      "**Spans and metrics against spans alone** (fanin with an SDK MeterProvider recording its metrics, extra per message over none, as a multiple of fanin's without; beside it the hand-written floor with and without one `messaging.process.duration` record per message; same run)",
      '',
      metrics,
    );
  }
  const sampling = samplingTable(inProcess);
  if (sampling) {
    parts.push(
      '',
      '**Head sampling** (eachBatch ×1,000, `ParentBasedSampler({ root: TraceIdRatioBasedSampler(r) })`, a share r of the producers sampled; extra per message over none)',
      '',
      sampling,
    );
  }
  if (broker.length > 0) {
    parts.push('', '**Real brokers** (consumer process)', '', brokerTable(broker));
  }
  const targets = targetsTable(run.rows);
  if (targets) {
    parts.push(
      '',
      "**Targets** (issue 12's and issue 14's figures as this run measured them; medians; the floor is the hand-written reference of the same row)",
      '',
      targets,
    );
  }
  const unavailable = unavailableList(run.rows);
  if (unavailable) parts.push('', '**Not run** (n/a above)', '', unavailable);
  const failures = failureList(run.rows);
  if (run.problems.length > 0) {
    parts.push('', '**Problems**', '', ...run.problems.map((problem) => `- ${problem}`));
  }
  if (failures) parts.push('', '**Failures**', '', failures);
  return `${parts.join('\n')}\n`;
}
