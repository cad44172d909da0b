import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started and when it ended. */
  loadAverage: { start: number; end?: number };
  commit: string;
  packages: Record<string, string>;
  brokers: string[];
}

const PACKAGES = [
  'kafkajs',
  '@confluentinc/kafka-javascript',
  'amqplib',
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/instrumentation-kafkajs',
  '@opentelemetry/instrumentation-amqplib',
  '@fanin/core',
  '@fanin/instrumentation-kafkajs',
  '@fanin/instrumentation-confluent-kafka',
  '@fanin/instrumentation-amqplib',
];

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1e9),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: { start: loadAverage() },
    commit: gitCommit(),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    brokers: [],
  };
}

export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** The installed version of `name`, found from its entry point (its exports may hide package.json). */
function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (json.name === name) return json.version ?? 'unknown';
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  return 'not installed';
}

export function machineLine(machine: Machine): string {
  return [
    `${machine.cores} cores (${machine.cpu})`,
    `${machine.memoryGB} GB`,
    machine.os,
    `Node ${machine.node.replace(/^v/, '')}`,
    `load average ${machine.loadAverage.start} at start, ${machine.loadAverage.end ?? '?'} at end`,
  ].join(', ');
}
