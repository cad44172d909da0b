import { hostname } from 'node:os';
import { isAbandoned, LABEL, ownerLabels } from './container-labels';
import { DEFAULT_IMAGES, ENV } from './defaults';
import { newClusterId } from './kafka-local/config';
import { waitForKafka } from './kafka-probe';
import { imageEnvName, SINGLE_NODE_SETTINGS } from './kafka-settings';
import { LogTail } from './log-tail';
import { findFreePort } from './net';
import { isProcessAlive } from './processes';
import { waitForRabbitmq } from './rabbitmq-probe';
import type { KafkaRecord, Log, RabbitmqRecord } from './types';

export type KafkaContainerRecord = Extract<KafkaRecord, { origin: 'container' }>;
export type RabbitmqContainerRecord = Extract<RabbitmqRecord, { origin: 'container' }>;

const STARTUP_TIMEOUT_MS = 180_000;

export function kafkaImage(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV.kafkaImage]?.trim() || DEFAULT_IMAGES.kafka;
}

export function rabbitmqImage(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV.rabbitmqImage]?.trim() || DEFAULT_IMAGES.rabbitmq;
}

/**
 * Environment for the apache/kafka image. The broker listens inside the container on the
 * same port it is published on, so the advertised 127.0.0.1:<port> works both for clients on
 * the host and for the broker talking to itself (e.g. transaction markers).
 */
export function kafkaContainerEnv(port: number, clusterId: string): Record<string, string> {
  const env: Record<string, string> = {
    CLUSTER_ID: clusterId,
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
    KAFKA_HEAP_OPTS: '-Xmx512m -Xms256m',
  };
  for (const [setting, value] of Object.entries(SINGLE_NODE_SETTINGS))
    env[imageEnvName(setting)] = value;
  return env;
}

/** testcontainers, loaded only where a Docker engine answers (it is slow to load). */
async function loadTestcontainers() {
  const testcontainers = await import('testcontainers');
  /** Publishes every port on 127.0.0.1 only. */
  class LoopbackContainer extends testcontainers.GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) {
        for (const binding of bindings as Array<{ HostIp?: string }>) binding.HostIp = '127.0.0.1';
      }
    }
  }
  return { ...testcontainers, LoopbackContainer };
}

/** `detached`: leave the container to outlive this process (no Ryuk reaping). */
export async function startKafkaContainer(
  detached: boolean,
  log: Log,
): Promise<KafkaContainerRecord> {
  const { LoopbackContainer, Wait } = await loadTestcontainers();
  await reapOnce(log);
  const image = kafkaImage();
  const port = await findFreePort();
  log(`starting container ${image} on 127.0.0.1:${port}`);
  const container = await startOrExplain(
    image,
    new LoopbackContainer(image)
      .withEnvironment(kafkaContainerEnv(port, newClusterId()))
      .withExposedPorts({ container: port, host: port })
      .withLabels(ownerLabels(detached))
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .withAutoCleanup(!detached),
  );
  const brokers = [`127.0.0.1:${port}`];
  try {
    await waitForKafka(brokers, { timeoutMs: 90_000 });
  } catch (error) {
    await container.stop().catch(() => {});
    throw error;
  }
  return { origin: 'container', brokers, containerId: container.getId(), image };
}

export async function startRabbitmqContainer(
  detached: boolean,
  log: Log,
): Promise<RabbitmqContainerRecord> {
  const { LoopbackContainer, Wait } = await loadTestcontainers();
  await reapOnce(log);
  const image = rabbitmqImage();
  log(`starting container ${image}`);
  const container = await startOrExplain(
    image,
    new LoopbackContainer(image)
      .withExposedPorts(5672)
      .withLabels(ownerLabels(detached))
      .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .withAutoCleanup(!detached),
  );
  const url = `amqp://guest:guest@127.0.0.1:${container.getMappedPort(5672)}`;
  try {
    await waitForRabbitmq(url, 30_000);
  } catch (error) {
    await container.stop().catch(() => {});
    throw error;
  }
  return { origin: 'container', url, containerId: container.getId(), image };
}

interface Startable<T> {
  withLogConsumer(consumer: (stream: NodeJS.ReadableStream) => unknown): Startable<T>;
  start(): Promise<T>;
}

/**
 * Starts the container; a failure says which image, shows the end of its log, and says what
 * to do where images cannot be pulled.
 */
async function startOrExplain<T>(image: string, container: Startable<T>): Promise<T> {
  const tail = new LogTail();
  try {
    return await container
      .withLogConsumer((stream) => stream.on('data', (chunk: Buffer) => tail.push(chunk)))
      .start();
  } catch (error) {
    const reason = (error as Error).message;
    const pull = /pull|manifest|not found|no such image|registry/i.test(reason)
      ? ` Where images cannot be pulled, build stand-ins with \`npm run images:build\` and export the ${ENV.kafkaImage} / ${ENV.rabbitmqImage} lines it prints.`
      : '';
    const log = tail.text();
    throw new Error(
      `container ${image}: ${reason}${pull}${log ? `\n--- end of its log ---\n${log}` : ''}`,
    );
  }
}

let reaping: Promise<void> | undefined;

function reapOnce(log: Log): Promise<void> {
  reaping ??= reapAbandonedContainers(log).then(
    () => {},
    (error: unknown) => log(`could not look for abandoned containers: ${(error as Error).message}`),
  );
  return reaping;
}

/**
 * Removes the containers of test runs on this host that were killed before they could stop
 * them (Ryuk would, but it is often disabled where its image cannot be pulled). Returns the
 * number removed.
 */
export async function reapAbandonedContainers(log: Log): Promise<number> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const listed = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${LABEL.detached}=false`] },
  });
  const host = hostname();
  const abandoned = listed.filter((info) => isAbandoned(info.Labels ?? {}, host, isProcessAlive));
  for (const info of abandoned) {
    log(
      `removing abandoned container ${info.Id.slice(0, 12)} (${info.Image}, pid ${info.Labels[LABEL.pid]} is gone)`,
    );
    await stopContainer(info.Id);
  }
  return abandoned.length;
}

/** Stops and removes a container; one already gone is fine. */
export async function stopContainer(containerId: string): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(containerId);
  try {
    await client.container.stop(container, { timeout: 10_000 });
  } catch {
    // already stopped or gone
  }
  await client.container.remove(container, { removeVolumes: true }).catch(() => {});
}
