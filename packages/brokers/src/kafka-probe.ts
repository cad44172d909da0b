import { type Admin, Kafka, logLevel } from 'kafkajs';
import { sleep, withTimeout } from './timing';
import type { Probe } from './types';

const READY_TOPIC = '__fanin_ready';

function quietAdmin(brokers: string[]): Admin {
  return new Kafka({
    clientId: 'fanin-brokers',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  }).admin();
}

async function withAdmin(
  brokers: string[],
  timeoutMs: number,
  use: (admin: Admin) => Promise<void>,
): Promise<Probe> {
  const admin = quietAdmin(brokers);
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        await use(admin);
      })(),
      timeoutMs,
      `no answer within ${timeoutMs} ms`,
    );
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Whether a Kafka cluster answers a metadata request. */
export function probeKafka(brokers: string[], timeoutMs = 5_000): Promise<Probe> {
  return withAdmin(brokers, timeoutMs, async (admin) => {
    await admin.describeCluster();
  });
}

/**
 * Whether the broker serves what tests need: metadata, topic creation, and a group
 * coordinator (which makes the broker create __consumer_offsets now rather than on the
 * first test's JoinGroup).
 */
function probeKafkaReady(brokers: string[]): Promise<Probe> {
  return withAdmin(brokers, 15_000, async (admin) => {
    await admin.describeCluster();
    await admin.createTopics({
      topics: [{ topic: READY_TOPIC, numPartitions: 1 }],
      waitForLeaders: true,
    });
    await admin.describeGroups([READY_TOPIC]);
  });
}

export interface WaitForKafkaOptions {
  timeoutMs: number;
  /** Returns why waiting is pointless (e.g. the process exited), or undefined to go on. */
  givenUp?: () => string | undefined;
}

export async function waitForKafka(brokers: string[], options: WaitForKafkaOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    const reason = options.givenUp?.();
    if (reason) throw new Error(reason);
    const probe = await probeKafkaReady(brokers);
    if (probe.ok) return;
    last = probe.reason;
    await sleep(500);
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} not ready after ${options.timeoutMs} ms (last error: ${last})`,
  );
}
