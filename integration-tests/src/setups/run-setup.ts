// Runs child.ts in a fresh `node` for one scenario, from a clean environment:
// PATH, HOME, the broker addresses and the scenario's own variables, and not
// NODE_OPTIONS (run.ts preloads the suite's tracing there, which a setup
// scenario must not have). Returns the child's result and all it wrote to stderr.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaBrokersFromEnv, rabbitmqUrlFromEnv } from '../brokers-env';
import { RESULT_MARKER, type Scenario, type ScenarioResult } from './scenario';

export interface SetupRun {
  result: ScenarioResult;
  stderr: string;
  /** The warnings Node printed to stderr (`(node:pid) [CODE] Name: message`). */
  printed: PrintedWarning[];
  durationMs: number;
}

export interface PrintedWarning {
  code: string;
  name: string;
  message: string;
}

export interface SetupOptions {
  /** Extra environment of the child, e.g. OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  env?: Record<string, string>;
  /** Modules the child preloads with `--require` (absolute paths). */
  preload?: string[];
  timeoutMs?: number;
}

const PRINTED_WARNING = /^\(node:\d+\) \[([A-Z0-9_]+)\] ([A-Za-z]+): (.*)$/;

/** The warnings Node printed, one per `(node:pid) [CODE] Name: message` line. */
export function printedWarnings(stderr: string): PrintedWarning[] {
  return stderr.split('\n').flatMap((line) => {
    const match = PRINTED_WARNING.exec(line);
    return match ? [{ code: match[1] ?? '', name: match[2] ?? '', message: match[3] ?? '' }] : [];
  });
}

/** The path of a module of this folder, compiled, for `preload`. */
export function setupModule(name: string): string {
  return join(__dirname, `${name}.js`);
}

export function runSetup(scenario: Scenario, options: SetupOptions = {}): Promise<SetupRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    KAFKA_BROKERS: kafkaBrokersFromEnv().join(','),
    RABBITMQ_URL: rabbitmqUrlFromEnv(),
    // NodeSDK: traces only (the scenario gives it its span processor).
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    ...options.env,
  };
  const args = [
    ...(options.preload ?? []).flatMap((module) => ['--require', module]),
    setupModule('child'),
  ];
  const timeoutMs = options.timeoutMs ?? 90_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`setup child timed out after ${timeoutMs} ms\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        reject(
          new Error(`setup child exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`),
        );
        return;
      }
      resolve({
        result: JSON.parse(line.slice(RESULT_MARKER.length)) as ScenarioResult,
        stderr,
        printed: printedWarnings(stderr),
        durationMs: Date.now() - started,
      });
    });
    child.stdin.end(JSON.stringify(scenario));
  });
}
