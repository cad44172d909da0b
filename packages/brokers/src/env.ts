import { ENV } from './defaults';

/** Parses a comma-separated `host:port` list such as KAFKA_BROKERS. */
export function parseKafkaBrokers(value: string, variable: string = ENV.kafkaBrokers): string[] {
  const brokers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (brokers.length === 0) throw new Error(`${variable} is set but lists no broker`);
  for (const broker of brokers) {
    const match = /^(.+):(\d{1,5})$/.exec(broker);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new Error(`${variable}: "${broker}" is not host:port`);
    }
  }
  return brokers;
}

/** Checks that a RABBITMQ_URL value is an AMQP URL. */
export function parseRabbitmqUrl(value: string, variable: string = ENV.rabbitmqUrl): string {
  const url = value.trim();
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error(`${variable}: "${url}" is not a URL`);
  }
  if (protocol !== 'amqp:' && protocol !== 'amqps:') {
    throw new Error(`${variable}: "${url}" is not an amqp:// or amqps:// URL`);
  }
  return url;
}

export interface BrokerEnv {
  kafkaBrokers?: string[];
  rabbitmqUrl?: string;
}

/** The brokers named by the environment; blank variables count as unset. */
export function readBrokerEnv(env: NodeJS.ProcessEnv = process.env): BrokerEnv {
  const result: BrokerEnv = {};
  const kafka = env[ENV.kafkaBrokers];
  if (kafka?.trim()) result.kafkaBrokers = parseKafkaBrokers(kafka);
  const rabbitmq = env[ENV.rabbitmqUrl];
  if (rabbitmq?.trim()) result.rabbitmqUrl = parseRabbitmqUrl(rabbitmq);
  return result;
}

/** The URL with its password replaced, for log lines. */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
