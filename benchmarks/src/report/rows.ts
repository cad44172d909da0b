import type { CaseId } from '../cases';
import type { Mode } from '../model';
import type { RowSummary } from './summarise';

/** The row of `caseId`, `variant` and `mode` that ran (not one marked unavailable), if any. */
export function findRow(
  rows: RowSummary[],
  caseId: CaseId,
  variant: string,
  mode: Mode,
): RowSummary | undefined {
  return rows.find(
    (row) =>
      row.caseId === caseId &&
      row.variant === variant &&
      row.mode === mode &&
      row.unavailable === undefined,
  );
}

/** The uninstrumented row of the same case and variant. */
export function baseline(rows: RowSummary[], row: RowSummary): RowSummary | undefined {
  return findRow(rows, row.caseId, row.variant, 'none');
}

/** What a row adds to the uninstrumented row of its case and variant (medians), per message. */
export interface Extra {
  wallNs: number;
  cpuNs: number;
  allocatedBytes: number;
}

export function extraOverNone(rows: RowSummary[], row: RowSummary | undefined): Extra | undefined {
  const none = row && baseline(rows, row);
  if (!row || !none) return undefined;
  return {
    wallNs: row.wallNsPerMessage.median - none.wallNsPerMessage.median,
    cpuNs: row.cpuNsPerMessage.median - none.cpuNsPerMessage.median,
    allocatedBytes: row.allocatedBytesPerMessage.median - none.allocatedBytesPerMessage.median,
  };
}

/** `a / b`, or NaN when it has no meaning (b not above zero). */
export function ratio(a: number, b: number): number {
  return b > 0 && Number.isFinite(a) ? a / b : Number.NaN;
}
