// Runs dd-child.ts in a short child process with dd-trace started from a
// clean environment: traces go to the fake agent (or the fake OTLP receiver),
// every optional dd-trace feature that talks to the network is off, and the
// net guard refuses any address outside 127.0.0.0/8.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ChildJob } from './dd-job';
import { RESULT_MARKER } from './dd-job';
import { BLOCKED_MARKER } from './net-guard-marker';

export interface ChildRun<Result> {
  result: Result;
  stderr: string;
  /** Connections the net guard refused (must be none). */
  blocked: string[];
}

export interface ChildOptions {
  /** The fake agent's URL (DD_TRACE_AGENT_URL). */
  agentUrl: string;
  /** Extra environment, e.g. OTLP mode or a propagation style. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** dd-trace settings that keep a short-lived test process quiet and local. */
export function quietDdTraceEnv(agentUrl: string): Record<string, string> {
  const host = new URL(agentUrl).hostname;
  return {
    DD_TRACE_AGENT_URL: agentUrl,
    DD_AGENT_HOST: host,
    DD_DOGSTATSD_HOST: host,
    DD_SERVICE: 'fanin-dd-probe',
    DD_ENV: 'test',
    DD_TRACE_STARTUP_LOGS: 'false',
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
    DD_TELEMETRY_LOG_COLLECTION_ENABLED: 'false',
    DD_REMOTE_CONFIGURATION_ENABLED: 'false',
    DD_RUNTIME_METRICS_ENABLED: 'false',
    DD_TRACE_STATS_COMPUTATION_ENABLED: 'false',
    DD_PROFILING_ENABLED: 'false',
    DD_APPSEC_ENABLED: 'false',
    DD_IAST_ENABLED: 'false',
    DD_DATA_STREAMS_ENABLED: 'false',
    DD_DYNAMIC_INSTRUMENTATION_ENABLED: 'false',
    DD_CRASHTRACKING_ENABLED: 'false',
    DD_LLMOBS_ENABLED: 'false',
    DD_TRACE_GIT_METADATA_ENABLED: 'false',
    DD_TRACE_CLIENT_IP_ENABLED: 'false',
  };
}

/** Runs one job in a dd-trace child and returns what it printed. Rejects on failure or timeout. */
export function runDdChild<Result>(
  job: ChildJob,
  options: ChildOptions,
): Promise<ChildRun<Result>> {
  const env: Record<string, string> = {
    // Nothing inherited but what node needs: no NODE_OPTIONS (run.ts preloads
    // the OpenTelemetry SDK there), no stray DD_* or OTEL_* settings.
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...quietDdTraceEnv(options.agentUrl),
    ...options.env,
  };
  const args = [
    '--require',
    join(__dirname, 'net-guard.js'),
    '--require',
    join(__dirname, 'dd-init.js'),
    join(__dirname, 'dd-child.js'),
  ];
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
      reject(
        new Error(`dd-trace child timed out after ${options.timeoutMs ?? 60_000} ms\n${stderr}`),
      );
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        reject(
          new Error(`dd-trace child exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`),
        );
        return;
      }
      const blocked = stderr
        .split('\n')
        .filter((l) => l.startsWith(BLOCKED_MARKER))
        .map((l) => l.slice(BLOCKED_MARKER.length).trim());
      resolve({ result: JSON.parse(line.slice(RESULT_MARKER.length)) as Result, stderr, blocked });
    });
    child.stdin.end(JSON.stringify(job));
  });
}
