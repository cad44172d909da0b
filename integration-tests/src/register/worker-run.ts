// Runs one of @fanin/register's example workers as an application would:
// `node --import @fanin/register worker` or `node -r @fanin/register worker`, in
// a fresh process from a clean environment (not the suite's NODE_OPTIONS,
// which preload its in-memory tracing). Counts what the worker says it
// processed, sends it a signal, and reports how it ended.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaBrokersFromEnv, rabbitmqUrlFromEnv } from '../brokers-env';
import { waitFor } from '../wait-for';

/** packages/register/examples, where `@fanin/register` resolves as in an application. */
export const EXAMPLES = join(__dirname, '..', '..', '..', 'packages', 'register', 'examples');

export interface WorkerOptions {
  /** `--import` (ES module entry) or `-r` (CommonJS entry). */
  flag: '--import' | '-r';
  /** A file of packages/register/examples. */
  worker: string;
  env: Record<string, string>;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerRun {
  readonly processed: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once the worker said it processed `count` messages. */
  waitForProcessed(count: number, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal: NodeJS.Signals): Promise<WorkerExit>;
}

const PROCESSED = /^processed (\d+) messages from /;
const EXIT_TIMEOUT_MS = 30_000;

export function startWorker(options: WorkerOptions): WorkerRun {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    KAFKA_BROKERS: kafkaBrokersFromEnv().join(','),
    RABBITMQ_URL: rabbitmqUrlFromEnv(),
    ...options.env,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [options.flag, '@fanin/register', options.worker],
    { cwd: EXAMPLES, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let processed = 0;
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) processed += Number(PROCESSED.exec(line)?.[1] ?? 0);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended: WorkerExit | undefined;
  void exited.then((exit) => {
    ended = exit;
  });
  const describe = () =>
    `worker ${options.worker} (${options.flag}) ${ended ? `ended ${JSON.stringify(ended)}` : 'running'}\n` +
    `stdout:\n${stdout}\nstderr:\n${stderr}`;
  return {
    get processed() {
      return processed;
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    async waitForProcessed(count, timeoutMs = 60_000) {
      await waitFor(
        () => {
          if (ended) throw new Error(`the worker ended early: ${describe()}`);
          return processed >= count;
        },
        `${count} messages processed by ${describe()}`,
        timeoutMs,
      );
    },
    async stop(signal) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      const exit = await exited;
      clearTimeout(timer);
      if (exit.signal === 'SIGKILL')
        throw new Error(`the worker did not end at ${signal}: ${describe()}`);
      return exit;
    },
  };
}
