import { connect } from 'amqplib';
import { maskPassword } from './env';
import { sleep, withTimeout } from './timing';
import type { Probe } from './types';

/** Whether an AMQP connection (with its credentials) opens at `url`. */
export async function probeRabbitmq(url: string, timeoutMs = 5_000): Promise<Probe> {
  try {
    const connection = await withTimeout(
      connect(url, { timeout: timeoutMs }),
      timeoutMs + 1_000,
      `no answer within ${timeoutMs} ms`,
    );
    connection.on('error', () => {});
    await connection.close().catch(() => {});
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export async function waitForRabbitmq(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    const probe = await probeRabbitmq(url, 2_000);
    if (probe.ok) return;
    last = probe.reason;
    await sleep(500);
  }
  throw new Error(
    `RabbitMQ at ${maskPassword(url)} not ready after ${timeoutMs} ms (last error: ${last})`,
  );
}
