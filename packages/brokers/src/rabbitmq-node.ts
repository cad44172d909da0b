import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePorts } from './net';
import { findExecutable, isProcessAlive, signalGroup, stopProcessGroup } from './processes';
import { waitForRabbitmq } from './rabbitmq-probe';
import { sleep } from './timing';
import type { Log } from './types';

/**
 * A RabbitMQ node of its own, for tests that kill and restart a broker: its
 * own node name, ports, data and logs in a temporary directory, no plugins.
 * It never touches the machine's RabbitMQ (127.0.0.1:5672), and only the
 * process group it started is ever signalled.
 */
export interface RabbitmqNode {
  url: string;
  nodename: string;
  port: number;
  distPort: number;
  /** The temporary directory holding its config, data and logs. */
  base: string;
  /** The leader of the process group it runs in (rabbitmq-server and its Erlang VM). */
  pid: number;
}

export interface RabbitmqNodeOptions {
  log: Log;
  startupTimeoutMs?: number;
}

/** The machine's RabbitMQ port: a private node must never take it. */
const SHARED_PORT = 5672;

/** rabbitmq.conf of a private node: guest may log in over loopback, logs on the console. */
export function renderNodeConfig(): string {
  return ['loopback_users = none', 'log.console = true', 'log.console.level = warning', ''].join(
    '\n',
  );
}

/** The environment that gives a node its own name, ports and directories. */
export function nodeEnvironment(
  node: Pick<RabbitmqNode, 'nodename' | 'port' | 'distPort' | 'base'>,
): Record<string, string> {
  if (node.port === SHARED_PORT || node.distPort === SHARED_PORT) {
    throw new Error(`a private RabbitMQ node must not use port ${SHARED_PORT}`);
  }
  return {
    RABBITMQ_NODENAME: node.nodename,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(node.port),
    RABBITMQ_DIST_PORT: String(node.distPort),
    RABBITMQ_CONFIG_FILE: join(node.base, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(node.base, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(node.base, 'mnesia'),
    RABBITMQ_LOG_BASE: join(node.base, 'log'),
    RABBITMQ_PID_FILE: join(node.base, 'rabbitmq.pid'),
    // Its own Erlang cookie, not the machine's.
    HOME: node.base,
  };
}

function findRabbitmqServer(): string {
  // The script itself, not the /usr/sbin wrapper (which may switch users).
  const direct = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  const server = existsSync(direct) ? direct : findExecutable('rabbitmq-server', ['/usr/sbin']);
  if (!server) throw new Error('rabbitmq-server is not installed');
  return server;
}

function spawnNode(node: Omit<RabbitmqNode, 'pid'>): number {
  const output = openSync(join(node.base, 'stdout.log'), 'a');
  const child = spawn(findRabbitmqServer(), [], {
    env: { ...process.env, ...nodeEnvironment(node) },
    // Its own process group: killing it takes the shell and the Erlang VM, nothing else.
    detached: true,
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  if (child.pid === undefined) throw new Error('could not spawn rabbitmq-server');
  child.unref();
  return child.pid;
}

async function serve(node: RabbitmqNode, options: RabbitmqNodeOptions): Promise<RabbitmqNode> {
  options.log(`started RabbitMQ node ${node.nodename} (pid ${node.pid}) on 127.0.0.1:${node.port}`);
  try {
    await waitForRabbitmq(node.url, options.startupTimeoutMs ?? 120_000);
  } catch (error) {
    await stopProcessGroup(node.pid, 5_000);
    throw error;
  }
  return node;
}

/** Starts a private node and waits until it accepts AMQP connections. */
export async function startRabbitmqNode(options: RabbitmqNodeOptions): Promise<RabbitmqNode> {
  const base = mkdtempSync(join(tmpdir(), 'fanin-rabbitmq-'));
  mkdirSync(join(base, 'log'));
  writeFileSync(join(base, 'rabbitmq.conf'), renderNodeConfig());
  writeFileSync(join(base, 'enabled_plugins'), '[].\n');
  const ports = (await findFreePorts(3)).filter((port) => port !== SHARED_PORT);
  const [port, distPort] = ports as [number, number];
  const nodename = `fanin-${port}@localhost`;
  const node = { url: `amqp://guest:guest@127.0.0.1:${port}`, nodename, port, distPort, base };
  return serve({ ...node, pid: spawnNode(node) }, options);
}

/** Whether any process of the group led by `pid` is still there (a zombie counts until reaped). */
function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `kill -9` of the node's process group; resolves once every process of it is gone. */
export async function killRabbitmqNode(node: RabbitmqNode): Promise<void> {
  signalGroup(node.pid, 'SIGKILL');
  for (let i = 0; i < 200 && (isProcessAlive(node.pid) || groupExists(node.pid)); i++) {
    await sleep(50);
  }
}

/** Starts the node again with the same name, ports and data. */
export async function restartRabbitmqNode(
  node: RabbitmqNode,
  options: RabbitmqNodeOptions,
): Promise<RabbitmqNode> {
  if (isProcessAlive(node.pid)) throw new Error(`RabbitMQ node (pid ${node.pid}) still runs`);
  return serve({ ...node, pid: spawnNode(node) }, options);
}

/** Stops the node and removes its directory. */
export async function stopRabbitmqNode(node: RabbitmqNode): Promise<void> {
  await stopProcessGroup(node.pid, 30_000);
  rmSync(node.base, { recursive: true, force: true });
}
