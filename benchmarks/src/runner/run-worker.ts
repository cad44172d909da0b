import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Job, WorkerReport } from '../model';

export interface WorkerOptions {
  timeoutMs: number;
  /** When set, the worker runs under `node --cpu-prof`, its profile written here. */
  profile?: { dir: string; name: string };
}

const WORKER = join(__dirname, '..', 'worker.js');

/**
 * Runs `job` in a fresh Node process (worker.js) and resolves with what it
 * reported. A worker that crashes, exits without a report or overruns its
 * time is reported as failed; one that overruns is killed.
 */
export function runWorker(job: Job, options: WorkerOptions): Promise<WorkerReport> {
  const execArgv = ['--expose-gc'];
  if (options.profile) {
    execArgv.push(
      '--cpu-prof',
      `--cpu-prof-dir=${options.profile.dir}`,
      `--cpu-prof-name=${options.profile.name}.cpuprofile`,
    );
  }
  return new Promise((resolve) => {
    let report: WorkerReport | undefined;
    const child = fork(WORKER, [JSON.stringify(job)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      report = { ok: false, error: `worker took longer than ${options.timeoutMs} ms; killed` };
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('message', (message: WorkerReport) => {
      report ??= message;
    });
    child.on('error', (error) => {
      report ??= { ok: false, error: `worker could not run: ${error.message}` };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (report && !(report.ok && code !== 0)) resolve(report);
      else
        resolve({
          ok: false,
          error: `worker exited (${signal ?? `code ${code}`}) without a result`,
        });
    });
  });
}
