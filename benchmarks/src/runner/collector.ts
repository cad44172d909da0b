import { type RowKey, rowName } from '../cases';
import type { Mode, Sample, WorkerReport } from '../model';

export interface RowResult extends RowKey {
  mode: Mode;
  samples: Sample[];
  failures: string[];
  /** Why the row was not run, when what it needs does not exist yet (shown as n/a, not a failure). */
  unavailable?: string;
}

/** Gathers what the workers report, one row per case, variant and mode, in planned order. */
export class Collector {
  private readonly rows = new Map<string, RowResult>();

  /** Declares a row before its jobs run, so a row whose every job failed still shows. */
  plan(key: RowKey, mode: Mode): void {
    const id = this.id(key, mode);
    if (!this.rows.has(id)) this.rows.set(id, { ...key, mode, samples: [], failures: [] });
  }

  add(key: RowKey, mode: Mode, report: WorkerReport): void {
    this.plan(key, mode);
    const row = this.rows.get(this.id(key, mode)) as RowResult;
    if (report.ok) row.samples.push(...report.samples);
    else row.failures.push(report.error);
  }

  /** A row that cannot run yet (e.g. a mode whose code is not there): shown as n/a. */
  markUnavailable(key: RowKey, mode: Mode, reason: string): void {
    this.plan(key, mode);
    (this.rows.get(this.id(key, mode)) as RowResult).unavailable = reason;
  }

  /** A failure that stopped a whole group of rows (e.g. the broker could not be set up). */
  failAll(keys: RowKey[], modes: Mode[], error: string): void {
    for (const key of keys) for (const mode of modes) this.add(key, mode, { ok: false, error });
  }

  results(): RowResult[] {
    return [...this.rows.values()];
  }

  private id(key: RowKey, mode: Mode): string {
    return `${rowName(key)} ${mode}`;
  }
}
