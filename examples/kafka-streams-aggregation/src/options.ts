import { parseArgs } from 'node:util';

export interface DemoOptions {
  /** How long the upstream services send orders, in seconds. */
  durationSeconds: number;
  /** Orders per second, across the three services. */
  rate: number;
  /** Tumbling window size, in milliseconds. */
  windowMs: number;
  /** Distinct customers orders are spread over. */
  customers: number;
  /** Partitions of the `orders` topic. */
  partitions: number;
  /** Aggregator instances in the consumer group (they split the partitions). */
  aggregators: number;
  /** Print each aggregate as it is emitted, not only at the end. */
  live: boolean;
  /** Aggregates drawn in full in the final picture; the rest are summarised. */
  show: number;
}

export const DEFAULT_OPTIONS: DemoOptions = {
  durationSeconds: 15,
  rate: 40,
  windowMs: 5_000,
  customers: 6,
  partitions: 3,
  aggregators: 1,
  live: false,
  show: 2,
};

const USAGE = `usage: npm run demo -- [--duration S] [--rate N] [--window MS] [--customers N]
                       [--partitions N] [--aggregators N] [--show N] [--live]`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`--${name} must be a positive number\n${USAGE}`);
  return parsed;
}

export function parseOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rate: { type: 'string' },
      window: { type: 'string' },
      customers: { type: 'string' },
      partitions: { type: 'string' },
      aggregators: { type: 'string' },
      show: { type: 'string' },
      live: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const d = DEFAULT_OPTIONS;
  return {
    durationSeconds: positive('duration', values.duration, d.durationSeconds),
    rate: positive('rate', values.rate, d.rate),
    windowMs: positive('window', values.window, d.windowMs),
    customers: Math.round(positive('customers', values.customers, d.customers)),
    partitions: Math.round(positive('partitions', values.partitions, d.partitions)),
    aggregators: Math.round(positive('aggregators', values.aggregators, d.aggregators)),
    show: Math.round(positive('show', values.show, d.show)),
    live: values.live ?? d.live,
  };
}
