import { DEFAULT_IMAGES, ENV } from './defaults';
import { newClusterId } from './kafka-local/config';
import { waitForKafka } from './kafka-probe';
import { imageEnvName, SINGLE_NODE_SETTINGS } from './kafka-settings';
import { findFreePort } from './net';
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
  const image = kafkaImage();
  const port = await findFreePort();
  log(`starting container ${image} on 127.0.0.1:${port}`);
  const container = await new LoopbackContainer(image)
    .withEnvironment(kafkaContainerEnv(port, newClusterId()))
    .withExposedPorts({ container: port, host: port })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .withAutoCleanup(!detached)
    .start();
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
  const image = rabbitmqImage();
  log(`starting container ${image}`);
  const container = await new LoopbackContainer(image)
    .withExposedPorts(5672)
    .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .withAutoCleanup(!detached)
    .start();
  const url = `amqp://guest:guest@127.0.0.1:${container.getMappedPort(5672)}`;
  try {
    await waitForRabbitmq(url, 30_000);
  } catch (error) {
    await container.stop().catch(() => {});
    throw error;
  }
  return { origin: 'container', url, containerId: container.getId(), image };
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
