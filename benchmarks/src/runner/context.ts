import { type RowKey, rowName } from '../cases';
import { BASE_MODES, type Job, type Mode, type Sample } from '../model';
import type { Options } from '../options';
import type { WorkerProfile } from '../profile/profile-report';
import type { RunSettings } from '../settings';
import type { Collector } from './collector';
import { runWorker } from './run-worker';

/** What every group of cases needs to plan, run and record its jobs. */
export class RunContext {
  private jobsRun = 0;
  /** The CPU profiles written so far, with the windows their workers measured. */
  readonly profiles: WorkerProfile[] = [];

  constructor(
    readonly settings: RunSettings,
    private readonly options: Options,
    readonly runId: string,
    readonly collector: Collector,
    /** Where workers write CPU profiles, when profiling. */
    readonly profileDir: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** The modes of `rowModes` that the run covers (all unless --modes narrows them), in that order. */
  modesOf(rowModes: readonly Mode[] = BASE_MODES): Mode[] {
    return rowModes.filter((mode) => this.options.modes.includes(mode));
  }

  /** Worker processes (in-process cases) or repetitions (broker cases) per row. */
  repetitions(defaultCount: number): number {
    return this.options.repetitions ?? defaultCount;
  }

  /** The keys among `keys` that the run covers (all unless --only narrows it). */
  selected(keys: RowKey[]): RowKey[] {
    const { only } = this.options;
    if (only.length === 0) return keys;
    return keys.filter((key) => only.some((prefix) => matches(rowName(key), prefix)));
  }

  /** Plans the rows of `keys` for each of their modes, so they show even if all their jobs fail. */
  plan(keys: RowKey[], rowModes: readonly Mode[] = BASE_MODES): void {
    for (const key of keys)
      for (const mode of this.modesOf(rowModes)) this.collector.plan(key, mode);
  }

  async run(key: RowKey, job: Job, repetition: number, timeoutMs: number): Promise<void> {
    const label = `${rowName(key)} ${job.mode} #${repetition + 1}`;
    const started = Date.now();
    const profileName = `${rowName(key).replace('/', '-')}-${job.mode}-${repetition + 1}`;
    const report = await runWorker(job, {
      timeoutMs,
      profile: this.profileDir ? { dir: this.profileDir, name: profileName } : undefined,
    });
    this.jobsRun++;
    if (this.profileDir && report.ok) {
      this.profiles.push({ file: `${profileName}.cpuprofile`, windows: report.samples });
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.log(
      report.ok
        ? `[${this.jobsRun}] ${label}: ${describe(report.samples)} (${seconds} s)`
        : `[${this.jobsRun}] ${label}: FAILED (${seconds} s)\n${report.error}`,
    );
    this.collector.add(key, job.mode, report);
  }
}

/** Whether `prefix` is `name` or its start up to a `-` or `/` (so `x/1000` is not `x/10000`). */
function matches(name: string, prefix: string): boolean {
  return name.startsWith(prefix) && !/[a-z0-9]/i.test(name.charAt(prefix.length));
}

function describe(samples: Sample[]): string {
  return samples
    .map((sample) => `${Math.round(sample.wallNs / sample.messages)} ns/msg`)
    .join(', ');
}
