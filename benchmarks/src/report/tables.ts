import { CASES, type CaseInfo } from '../cases';
import { count, markdownTable, number, range, signed } from './format';
import { baseline } from './rows';
import type { RowSummary } from './summarise';

/** The rows of `rows` that belong to `info`, in run order. */
function rowsOf(rows: RowSummary[], info: CaseInfo) {
  return rows.filter((row) => row.caseId === info.id);
}

/** The case column: its number and name, and the variant when it is not just the batch size. */
function caseLabel(info: CaseInfo, row: RowSummary): string {
  const variant = row.variant && !/^\d+$/.test(row.variant) ? `/${row.variant}` : '';
  return `${info.issueCase}. ${row.caseId}${variant}`;
}

/** A row that did not run: its name, then n/a in every other column. */
function unavailableLine(leading: string[], columns: number): string[] {
  return [...leading, ...new Array<string>(columns - leading.length).fill('n/a')];
}

function spans(row: RowSummary): string {
  const exported = row.spansExportedPerCall.median;
  const started = row.spansStartedPerCall.median;
  return exported === started ? count(exported) : `${count(exported)} of ${count(started)}`;
}

function dropped(row: RowSummary): string {
  if (row.spansStarted === 0) return '0';
  const share = (100 * row.spansDropped) / row.spansStarted;
  return row.spansDropped === 0 ? '0' : `${number(row.spansDropped)} (${number(share, 0)} %)`;
}

/** Cases run in process: nanoseconds per message, and what tracing adds to them. */
export function inProcessTable(rows: RowSummary[]): string {
  const header = [
    'case',
    'msgs/call',
    'mode',
    'wall ns/msg',
    'CPU ns/msg',
    'Δ wall vs none',
    'Δ CPU vs none',
    'alloc B/msg',
    'spans/call',
    'links/call',
    'spans dropped',
    'heap peak MB',
  ];
  const lines = CASES.filter((info) => info.source === 'in-process').flatMap((info) =>
    rowsOf(rows, info).map((row) => {
      if (row.unavailable) {
        return unavailableLine([caseLabel(info, row), 'n/a', row.mode], header.length);
      }
      const none = baseline(rows, row);
      return [
        caseLabel(info, row),
        number(row.messagesPerCall.median),
        row.mode,
        range(row.wallNsPerMessage),
        range(row.cpuNsPerMessage),
        none ? signed(row.wallNsPerMessage.median - none.wallNsPerMessage.median) : '–',
        none ? signed(row.cpuNsPerMessage.median - none.cpuNsPerMessage.median) : '–',
        range(row.allocatedBytesPerMessage),
        spans(row),
        count(row.linksExportedPerCall.median),
        dropped(row),
        range(row.heapPeakMB, 1),
      ];
    }),
  );
  return markdownTable(header, lines);
}

/** Cases against real brokers: throughput, and consumer CPU per message. */
export function brokerTable(rows: RowSummary[]): string {
  const header = [
    'case',
    'mode',
    'msgs/s',
    '× none',
    'CPU µs/msg',
    'Δ CPU µs vs none',
    'msgs/call',
    'spans/call',
    'links/call',
    'spans dropped',
    'heap peak MB',
  ];
  const lines = CASES.filter((info) => info.source === 'broker').flatMap((info) =>
    rowsOf(rows, info).map((row) => {
      const none = baseline(rows, row);
      const cpuUs = {
        median: row.cpuNsPerMessage.median / 1000,
        min: row.cpuNsPerMessage.min / 1000,
        max: row.cpuNsPerMessage.max / 1000,
      };
      return [
        `${info.issueCase}. ${row.caseId}`,
        row.mode,
        range(row.messagesPerSecond),
        none ? number(row.messagesPerSecond.median / none.messagesPerSecond.median, 2) : '–',
        range(cpuUs, 2),
        none ? signed((row.cpuNsPerMessage.median - none.cpuNsPerMessage.median) / 1000, 2) : '–',
        count(row.messagesPerCall.median),
        spans(row),
        count(row.linksExportedPerCall.median),
        dropped(row),
        range(row.heapPeakMB, 1),
      ];
    }),
  );
  return markdownTable(header, lines);
}

/** One line per row that was not run because what it needs does not exist yet. */
export function unavailableList(rows: RowSummary[]): string {
  return rows
    .filter((row) => row.unavailable)
    .map(
      (row) =>
        `- ${row.caseId}${row.variant ? `/${row.variant}` : ''} ${row.mode}: ${row.unavailable}`,
    )
    .join('\n');
}

/** One line per failed job. */
export function failureList(rows: RowSummary[]): string {
  return rows
    .flatMap((row) =>
      row.failures.map(
        (failure) =>
          `- ${row.caseId}${row.variant ? `/${row.variant}` : ''} ${row.mode}: ${failure}`,
      ),
    )
    .join('\n');
}
