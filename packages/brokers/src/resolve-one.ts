import { relative } from 'node:path';
import type { BrokerKind } from './broker-kind';
import { ENV, HOW_TO_START } from './defaults';
import type { BrokersMode } from './mode';
import type { BrokerPaths } from './paths';
import { forgetInState, readState } from './state';
import type { Log, Probe, Resolved } from './types';

export interface ResolveContext {
  paths: BrokerPaths;
  /** Started brokers outlive this process (`brokers up`). */
  detached: boolean;
  log: Log;
  /** Whether a Docker engine answers; asked once, shared by both brokers. */
  docker: () => Promise<Probe>;
  mode: BrokersMode;
}

const leaveRunning = async (): Promise<void> => {};

/**
 * In `auto` mode: env, then the state file of `brokers up`, then a container, then the local
 * path. The other modes take one path only and fail rather than fall back.
 */
export async function resolveOne<Address, BrokerRecord>(
  kind: BrokerKind<Address, BrokerRecord>,
  context: ResolveContext,
): Promise<Resolved<Address, BrokerRecord>> {
  if (context.mode !== 'auto') return resolveOnly(kind, context, context.mode);
  if (kind.fromEnv !== undefined) return fromEnv(kind, kind.fromEnv);
  const tried = [`${kind.envVar}: not set`];

  const reused = await reuseRecorded(kind, context, tried);
  if (reused) return reused;

  const docker = await context.docker();
  if (docker.ok) {
    try {
      return started(kind, await kind.startContainer(context.detached, context.log), 'container');
    } catch (error) {
      const reason = (error as Error).message;
      context.log(`${kind.name} container failed (${reason}); trying ${kind.localLabel}`);
      tried.push(`Docker: ${reason}`);
    }
  } else {
    tried.push(`Docker: ${docker.reason}`);
  }

  try {
    const record = await kind.startLocal(context.detached, context.log);
    return started(kind, record, kind.localOrigin);
  } catch (error) {
    tried.push(`${kind.localLabel}: ${(error as Error).message}`);
  }
  throw new Error(
    `No ${kind.name} broker available. Tried:\n${tried.map((line) => `  - ${line}`).join('\n')}\n${HOW_TO_START}`,
  );
}

async function resolveOnly<Address, BrokerRecord>(
  kind: BrokerKind<Address, BrokerRecord>,
  context: ResolveContext,
  mode: 'containers' | 'local',
): Promise<Resolved<Address, BrokerRecord>> {
  const setting = `${ENV.brokersMode}=${mode}`;
  if (mode === 'containers') {
    const docker = await context.docker();
    if (!docker.ok) throw new Error(noDockerMessage(docker.reason));
  }
  const label = mode === 'containers' ? 'container' : kind.localLabel;
  try {
    return mode === 'containers'
      ? started(kind, await kind.startContainer(context.detached, context.log), 'container')
      : started(kind, await kind.startLocal(context.detached, context.log), kind.localOrigin);
  } catch (error) {
    throw new Error(
      `${setting}: the ${kind.name} ${label} did not start: ${(error as Error).message}`,
    );
  }
}

export function noDockerMessage(reason: string): string {
  return (
    `${ENV.brokersMode}=containers, but no Docker engine answers (${reason}). ` +
    'Start one (or point DOCKER_HOST at one), or unset ' +
    `${ENV.brokersMode} to use brokers from the environment or local ones.`
  );
}

async function fromEnv<Address, BrokerRecord>(
  kind: BrokerKind<Address, BrokerRecord>,
  address: Address,
): Promise<Resolved<Address, BrokerRecord>> {
  const probe = await kind.probe(address);
  if (!probe.ok) {
    throw new Error(
      `${kind.envVar}=${kind.showAddress(address)} does not answer (${probe.reason}). ` +
        `Start a broker with \`npm run brokers:up\` and \`source .brokers.env\`, or unset ${kind.envVar} ` +
        'to let @fanin/brokers find or start one.',
    );
  }
  return { address, origin: 'env', detail: `from ${kind.envVar}`, stop: leaveRunning };
}

async function reuseRecorded<Address, BrokerRecord>(
  kind: BrokerKind<Address, BrokerRecord>,
  context: ResolveContext,
  tried: string[],
): Promise<Resolved<Address, BrokerRecord> | undefined> {
  const stateFile = context.paths.stateFile;
  const shownFile = relative(context.paths.root, stateFile);
  const record = readState(stateFile)[kind.stateKey] as BrokerRecord | undefined;
  if (record === undefined) {
    tried.push(`${shownFile}: no ${kind.name} recorded`);
    return undefined;
  }
  const address = kind.addressOf(record);
  const gone = kind.recordGone(record);
  const probe: Probe = gone ? { ok: false, reason: gone } : await kind.probe(address);
  if (probe.ok) {
    return {
      address,
      origin: 'reused',
      detail: `recorded in ${shownFile}: ${kind.describeRecord(record)}`,
      record,
      stop: leaveRunning,
    };
  }
  context.log(
    `${kind.name} recorded in ${shownFile} at ${kind.showAddress(address)} does not answer (${probe.reason}); cleaning it up`,
  );
  await kind.stopRecord(record).catch(() => {});
  forgetInState(stateFile, kind.stateKey);
  tried.push(
    `${shownFile}: recorded ${kind.name} at ${kind.showAddress(address)} did not answer (${probe.reason})`,
  );
  return undefined;
}

function started<Address, BrokerRecord>(
  kind: BrokerKind<Address, BrokerRecord>,
  record: BrokerRecord,
  origin: 'container' | 'local jars' | 'local service',
): Resolved<Address, BrokerRecord> {
  return {
    address: kind.addressOf(record),
    origin,
    detail: kind.describeRecord(record),
    record,
    stop: () => kind.stopRecord(record),
  };
}
