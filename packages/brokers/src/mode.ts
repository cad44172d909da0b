import { ENV } from './defaults';

/**
 * How brokers are found:
 * - `auto`: env variables, then brokers recorded by `brokers up`, then containers where a
 *   Docker engine answers, then local processes;
 * - `containers`: testcontainers only; no Docker engine, or a container that does not start,
 *   is an error;
 * - `local`: local processes only (Kafka from its jars, the machine's RabbitMQ).
 */
export type BrokersMode = 'auto' | 'containers' | 'local';

const MODES: readonly BrokersMode[] = ['auto', 'containers', 'local'];

export function brokersMode(env: NodeJS.ProcessEnv = process.env): BrokersMode {
  const value = env[ENV.brokersMode]?.trim().toLowerCase() || 'auto';
  if ((MODES as readonly string[]).includes(value)) return value as BrokersMode;
  throw new Error(`${ENV.brokersMode}="${env[ENV.brokersMode]}" is not one of ${MODES.join(', ')}`);
}
