import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LOCAL_RABBITMQ_URL } from './defaults';
import { findExecutable } from './processes';
import { probeRabbitmq, waitForRabbitmq } from './rabbitmq-probe';
import type { Log, RabbitmqRecord } from './types';

const run = promisify(execFile);

export type LocalRabbitmqRecord = Extract<RabbitmqRecord, { origin: 'local service' }>;

/**
 * The machine's RabbitMQ service on 127.0.0.1:5672 (guest/guest), started with
 * `rabbitmq-server -detached` when it is installed but not running.
 */
export async function localRabbitmq(
  log: Log,
  startupTimeoutMs = 60_000,
): Promise<LocalRabbitmqRecord> {
  const url = LOCAL_RABBITMQ_URL;
  const probe = await probeRabbitmq(url, 2_000);
  if (probe.ok) return { origin: 'local service', url, startedService: false };

  const server = findExecutable('rabbitmq-server', ['/usr/sbin', '/usr/local/sbin']);
  if (!server) {
    throw new Error(
      `nothing answers on 127.0.0.1:5672 (${probe.reason}) and rabbitmq-server is not installed`,
    );
  }
  log(`RabbitMQ does not answer on 127.0.0.1:5672; starting it with ${server} -detached`);
  try {
    await run(server, ['-detached'], { timeout: 60_000 });
  } catch (error) {
    throw new Error(`${server} -detached failed: ${(error as Error).message}`);
  }
  await waitForRabbitmq(url, startupTimeoutMs);
  return { origin: 'local service', url, startedService: true };
}
