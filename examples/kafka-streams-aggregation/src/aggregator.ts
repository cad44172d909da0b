import { FanInAccumulator } from '@fanin/core';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { decode, encode, type Order, type OrderTotal, type Topics } from './orders';

export const AGGREGATE_SPAN_NAME = 'aggregate order-totals';

/** State of one window of one customer on one partition. */
interface WindowKey {
  partition: number;
  customer: string;
  windowStart: number;
}

const keyString = ({ partition, customer, windowStart }: WindowKey) =>
  `${partition}|${customer}|${windowStart}`;

function parseKey(key: string): WindowKey {
  const [partition, customer, windowStart] = key.split('|');
  return {
    partition: Number(partition),
    customer: customer ?? '',
    windowStart: Number(windowStart),
  };
}

export interface AggregatorStats {
  consumed: number;
  emitted: number;
}

/**
 * Consumes `orders` with eachBatch (ONE instrumented span per batch), keeps
 * per-customer totals in tumbling windows, and when a window closes produces
 * one `order-totals` message per customer inside an aggregate span linked to
 * every order that fed it. State is per partition: when a rebalance takes a
 * partition away, its open windows are flushed (emitted early), so each order
 * is counted by exactly one aggregate and the new owner starts after it.
 */
export class Aggregator {
  readonly stats: AggregatorStats = { consumed: 0, emitted: 0 };
  private readonly totals = new Map<string, { orders: number; amount: number }>();
  private readonly contributors = new FanInAccumulator<string>();
  private readonly consumer: Consumer;
  private assigned = new Set<number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    kafka: Kafka,
    private readonly producer: Producer,
    private readonly topics: Topics,
    private readonly windowMs: number,
    groupId: string,
    private readonly onEmit: (total: OrderTotal) => void = () => {},
  ) {
    this.consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = new Set(payload.memberAssignment[this.topics.orders] ?? []);
      const revoked = [...this.assigned].filter((partition) => !partitions.has(partition));
      this.assigned = partitions;
      if (revoked.length > 0) void this.flush((key) => revoked.includes(key.partition));
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.orders, fromBeginning: true });
    await this.consumer.run({ eachBatch: (payload) => this.handleBatch(payload) });
    this.timer = setInterval(() => void this.closeWindows(Date.now()), 250);
  }

  /** Emits every open window, then stops consuming. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(() => true);
    await this.consumer.disconnect();
  }

  /** Emits the windows `select` picks (all of them at the end, a partition's on revoke). */
  async flush(select: (key: WindowKey) => boolean): Promise<void> {
    const keys = this.contributors.keys().filter((key) => select(parseKey(key)));
    for (const key of keys) await this.emit(key);
  }

  private async handleBatch({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const order = decode<Order>(message.value);
      if (order === undefined) continue;
      const windowStart = order.createdAt - (order.createdAt % this.windowMs);
      const key = keyString({ partition: batch.partition, customer: order.customer, windowStart });
      const total = this.totals.get(key) ?? { orders: 0, amount: 0 };
      total.orders++;
      total.amount += order.amount;
      this.totals.set(key, total);
      this.contributors.add(key, message.headers, {
        'messaging.kafka.offset': Number(message.offset),
        'messaging.destination.partition.id': String(batch.partition),
      });
      this.stats.consumed++;
    }
  }

  /** Emits the windows that ended before `now`. */
  private async closeWindows(now: number): Promise<void> {
    await this.flush((key) => key.windowStart + this.windowMs <= now);
  }

  private async emit(key: string): Promise<void> {
    const total = this.totals.get(key);
    if (total === undefined || !this.contributors.has(key)) return;
    this.totals.delete(key);
    const { customer, windowStart } = parseKey(key);
    const result: OrderTotal = {
      customer,
      windowStart,
      windowEnd: windowStart + this.windowMs,
      orders: total.orders,
      amount: Math.round(total.amount * 100) / 100,
    };
    this.stats.emitted++;
    this.onEmit(result);
    await this.contributors.emit(
      key,
      {
        name: AGGREGATE_SPAN_NAME,
        attributes: {
          'app.customer': customer,
          'app.window.start': new Date(windowStart).toISOString(),
          'app.window.orders': total.orders,
        },
      },
      // Produced inside the aggregate span: the message carries its context.
      () =>
        this.producer.send({
          topic: this.topics.totals,
          messages: [{ key: customer, value: encode(result) }],
        }),
    );
  }
}
