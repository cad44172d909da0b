import { execFile, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { waitForKafka } from '../kafka-probe';
import { findFreePorts } from '../net';
import { brokerPaths } from '../paths';
import {
  commandLineOf,
  findExecutable,
  isProcessAlive,
  signalGroup,
  stopProcessGroup,
} from '../processes';
import type { KafkaRecord, Log } from '../types';
import {
  type JvmOptions,
  jvmArgs,
  newClusterId,
  renderLog4j2Properties,
  renderServerProperties,
} from './config';
import { ensureKafkaJars } from './jars';

const run = promisify(execFile);

export type LocalKafkaRecord = Extract<KafkaRecord, { origin: 'local jars' }>;

export interface LocalKafkaOptions {
  root: string;
  version: string;
  /** Leave the broker running after this process exits (`brokers up`). */
  detached: boolean;
  log: Log;
  startupTimeoutMs?: number;
}

function findJava(): string | undefined {
  const fromHome = process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin', 'java');
  if (fromHome && existsSync(fromHome)) return fromHome;
  return findExecutable('java');
}

/**
 * Runs Apache Kafka (KRaft, combined broker+controller) from its Maven Central jars with its
 * home in `.brokers/kafka-<port>/`, and waits until it serves.
 */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafkaRecord> {
  const java = findJava();
  if (!java) throw new Error('java not found (set JAVA_HOME or put java on PATH)');
  const libsDir = await ensureKafkaJars(options.root, options.version, options.log);

  const brokersDir = brokerPaths(options.root).brokersDir;
  removeAbandonedHomes(brokersDir);
  const [brokerPort, controllerPort] = (await findFreePorts(2)) as [number, number];
  const home = join(brokersDir, `kafka-${brokerPort}`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const serverProperties = join(home, 'server.properties');
  const log4jConfig = join(home, 'log4j2.properties');
  writeFileSync(
    serverProperties,
    renderServerProperties({ brokerPort, controllerPort, dataDir: join(home, 'data') }),
  );
  writeFileSync(log4jConfig, renderLog4j2Properties(join(home, 'server.log')));
  await formatStorage(java, { libsDir, log4jConfig, maxHeap: '256m' }, serverProperties);

  return serve(java, libsDir, options, {
    origin: 'local jars',
    brokers: [`127.0.0.1:${brokerPort}`],
    pid: 0,
    home,
    version: options.version,
  });
}

/**
 * Starts the broker of `record` again, in its home: the same ports, the same
 * data (after it was killed, e.g. by a test of what survives a broker crash).
 */
export async function restartLocalKafka(
  record: LocalKafkaRecord,
  options: Omit<LocalKafkaOptions, 'version'>,
): Promise<LocalKafkaRecord> {
  const java = findJava();
  if (!java) throw new Error('java not found (set JAVA_HOME or put java on PATH)');
  if (isLocalKafkaRunning(record)) throw new Error(`Kafka (pid ${record.pid}) still runs`);
  stopsOnExit.delete(record.pid);
  const libsDir = await ensureKafkaJars(options.root, record.version, options.log);
  return serve(java, libsDir, { ...options, version: record.version }, record);
}

/** Runs the broker configured in `record.home` and waits until it serves. */
async function serve(
  java: string,
  libsDir: string,
  options: LocalKafkaOptions,
  where: LocalKafkaRecord,
): Promise<LocalKafkaRecord> {
  const { home } = where;
  const broker = spawnBroker(
    java,
    { libsDir, log4jConfig: join(home, 'log4j2.properties'), maxHeap: '512m' },
    join(home, 'server.properties'),
    options.detached,
  );
  const record: LocalKafkaRecord = { ...where, pid: broker.pid };
  writeFileSync(join(home, PID_FILE), `${record.pid}\n`);
  if (!options.detached) stopOnProcessExit(record.pid);
  options.log(
    `started Apache Kafka ${options.version} (pid ${record.pid}) on ${record.brokers.join(',')}; waiting until it serves`,
  );
  try {
    await waitForKafka(record.brokers, {
      timeoutMs: options.startupTimeoutMs ?? 90_000,
      givenUp: broker.exited,
    });
  } catch (error) {
    await stopProcessGroup(record.pid, 10_000);
    stopsOnExit.delete(record.pid);
    throw new Error(
      `${(error as Error).message}\n--- tail of the logs in ${home} ---\n${logTail(home)}`,
    );
  }
  broker.unref();
  return record;
}

async function formatStorage(
  java: string,
  jvm: JvmOptions,
  serverProperties: string,
): Promise<void> {
  const args = ['format', '--cluster-id', newClusterId(), '--config', serverProperties];
  try {
    await run(java, jvmArgs(jvm, 'kafka.tools.StorageTool', args), { timeout: 120_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const output = `${stdout}${stderr}`.trim() || (error as Error).message;
    throw new Error(`formatting Kafka storage for ${serverProperties} failed: ${output}`);
  }
}

interface SpawnedBroker {
  pid: number;
  /** Why the broker is no longer starting (it exited or could not run), if so. */
  exited: () => string | undefined;
  unref(): void;
}

/** Starts the broker with its output going to stdout.log beside its config. */
function spawnBroker(
  java: string,
  jvm: JvmOptions,
  serverProperties: string,
  detached: boolean,
): SpawnedBroker {
  const home = dirname(serverProperties);
  const output = openSync(join(home, 'stdout.log'), 'a');
  const child = spawn(java, jvmArgs(jvm, 'kafka.Kafka', [serverProperties]), {
    cwd: home,
    // Its own process group lets `brokers up` exit and `brokers down` stop it as a whole.
    // Attached, it shares the test run's group, so Ctrl-C in a terminal reaches it too.
    detached,
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  if (child.pid === undefined) throw new Error(`could not spawn ${java}`);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `Kafka exited early (${signal ?? `code ${code}`})`;
  });
  child.once('error', (error) => {
    exited = `Kafka could not start: ${error.message}`;
  });
  return { pid: child.pid, exited: () => exited, unref: () => child.unref() };
}

/** Whether the recorded pid is still the Kafka broker started in `record.home`. */
export function isLocalKafkaRunning(record: LocalKafkaRecord): boolean {
  if (!isProcessAlive(record.pid)) return false;
  const args = commandLineOf(record.pid);
  return (
    args === undefined ||
    (args.includes('kafka.Kafka') && args.some((arg) => arg.startsWith(record.home)))
  );
}

/** Stops the broker (if it is still ours) and removes its home. */
export async function stopLocalKafka(record: LocalKafkaRecord): Promise<void> {
  stopsOnExit.delete(record.pid);
  if (isLocalKafkaRunning(record)) await stopProcessGroup(record.pid);
  rmSync(record.home, { recursive: true, force: true });
}

const PID_FILE = 'kafka.pid';

/**
 * Removes the homes of brokers that are gone without being stopped (their test run was
 * killed), and of starts that failed before spawning (no pid file, older than an hour).
 */
function removeAbandonedHomes(brokersDir: string): void {
  let names: string[];
  try {
    names = readdirSync(brokersDir).filter((name) => name.startsWith('kafka-'));
  } catch {
    return;
  }
  for (const name of names) {
    const home = join(brokersDir, name);
    try {
      const pid = Number(readFileSync(join(home, PID_FILE), 'utf8'));
      if (!isLocalKafkaRunning({ origin: 'local jars', brokers: [], pid, home, version: '' })) {
        rmSync(home, { recursive: true, force: true });
      }
    } catch {
      if (Date.now() - statSync(home).mtimeMs > 3_600_000)
        rmSync(home, { recursive: true, force: true });
    }
  }
}

const stopsOnExit = new Set<number>();
let exitHookInstalled = false;

/** Brokers started for one test run must not outlive it, even when it crashes. */
function stopOnProcessExit(pid: number): void {
  if (!exitHookInstalled) {
    process.on('exit', () => {
      for (const leader of stopsOnExit) signalGroup(leader, 'SIGTERM');
    });
    exitHookInstalled = true;
  }
  stopsOnExit.add(pid);
}

function logTail(home: string, lines = 25): string {
  return ['server.log', 'stdout.log']
    .map((name) => {
      try {
        const text = readFileSync(join(home, name), 'utf8').trimEnd();
        return text ? `[${name}]\n${text.split('\n').slice(-lines).join('\n')}` : '';
      } catch {
        return '';
      }
    })
    .filter(Boolean)
    .join('\n');
}
