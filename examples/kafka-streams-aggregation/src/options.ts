import { parseArgs } from 'node:util';
import { DELIVERY_MODES, type DeliveryMode } from './delivery';

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
  /** Aggregator instances in this process, in one consumer group (they split the partitions). */
  aggregators: number;
  /** Aggregator processes in one consumer group (0: the aggregators run in this process). */
  group: number;
  /** `kill -9` one aggregator process mid-window (with `group`). */
  killOne: boolean;
  /** How results and consumed offsets reach Kafka (see `delivery.ts`). */
  mode: DeliveryMode;
  /** Plain mode: how long after a window's results are sent its offsets are committed, in milliseconds. */
  commitIntervalMs: number;
  /** Where the HTML page of the aggregate graph is written (default: `out/` of the example). */
  html: string | undefined;
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
  group: 0,
  killOne: false,
  mode: 'transactional',
  commitIntervalMs: 1_000,
  html: undefined,
  live: false,
  show: 2,
};

const USAGE = `usage: npm run demo -- [--duration S] [--rate N] [--window MS] [--customers N]
                       [--partitions N] [--aggregators N] [--group N [--kill-one]]
                       [--mode transactional|plain] [--commit-interval MS]
                       [--html FILE] [--show N] [--live]`;

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
      group: { type: 'string' },
      'kill-one': { type: 'boolean' },
      mode: { type: 'string' },
      'commit-interval': { type: 'string' },
      html: { type: 'string' },
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
  const mode = (values.mode ?? d.mode) as DeliveryMode;
  if (!DELIVERY_MODES.includes(mode))
    throw new Error(`--mode must be one of ${DELIVERY_MODES.join(', ')}\n${USAGE}`);
  const group =
    values.group === undefined ? d.group : Math.round(positive('group', values.group, 1));
  if (values['kill-one'] && group < 2)
    throw new Error(`--kill-one needs --group 2 or more (someone must take over)\n${USAGE}`);
  return {
    durationSeconds: positive('duration', values.duration, d.durationSeconds),
    rate: positive('rate', values.rate, d.rate),
    windowMs: positive('window', values.window, d.windowMs),
    customers: Math.round(positive('customers', values.customers, d.customers)),
    partitions: Math.round(positive('partitions', values.partitions, d.partitions)),
    aggregators: Math.round(positive('aggregators', values.aggregators, d.aggregators)),
    group,
    killOne: values['kill-one'] ?? d.killOne,
    mode,
    commitIntervalMs: positive('commit-interval', values['commit-interval'], d.commitIntervalMs),
    html: values.html ?? d.html,
    show: Math.round(positive('show', values.show, d.show)),
    live: values.live ?? d.live,
  };
}
