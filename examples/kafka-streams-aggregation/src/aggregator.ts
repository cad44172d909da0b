import { FanInAccumulator } from '@fanin/core';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { createDelivery, type Delivery, type DeliveryMode } from './delivery';
import { decode, encode, type Order, type OrderTotal, type Topics } from './orders';
import { PartitionWindows, type Segment } from './windows';

export const AGGREGATE_SPAN_NAME = 'aggregate order-totals';
export const ATTR_AGGREGATOR_PID = 'app.aggregator.pid';

/** What an aggregator has done, for progress lines and the group's kill decision. */
export interface AggregatorStats {
  consumed: number;
  emitted: number;
  /** Orders in open windows (consumed, not yet emitted). */
  openOrders: number;
  partitions: number[];
  /** Assignments seen (GROUP_JOIN), the first one included. */
  assignments: number;
  /** Windows whose delivery failed (fenced, or the partition moved): re-read by the owner. */
  failedDeliveries: number;
  /** Partitions with emitted windows whose offsets are not committed yet (plain mode). */
  pendingCommits: number;
  /** Deliveries under way (transactional: transactions open). */
  deliveriesInFlight: number;
  /** Orders consumed whose offsets are not committed: lost with this process, read again by the next owner. */
  uncommittedOrders: number;
}

export interface AggregatorConfig {
  groupId: string;
  windowMs: number;
  mode: DeliveryMode;
  /** Plain mode: how long after a window's results are sent its offsets are committed. */
  commitIntervalMs: number;
  /** Runs before offsets are committed (the demo makes sure the spans are exported). */
  beforeCommit?: () => Promise<void>;
  onEmit?: (total: OrderTotal) => void;
}

/** A partition this aggregator owns: its windows, and what it may read next. */
interface PartitionTask {
  windows: PartitionWindows;
  /** Resolves to the first offset to read (undefined: whatever kafkajs delivers). */
  ready: Promise<string | undefined>;
  nextOffset: string | undefined;
  /** Deliveries of this partition, one after another. */
  chain: Promise<void>;
  /** Another owner fenced this one: its messages are ignored until the assignment changes. */
  fenced: boolean;
}

const isFenced = (error: unknown) =>
  /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|INVALID_PRODUCER_ID_MAPPING/.test(
    String((error as { type?: unknown } | undefined)?.type ?? ''),
  );

const SEAL_GRACE_MS = 500;

const ordersOf = (segment: Segment) => {
  let orders = 0;
  for (const window of segment.customers.values()) orders += window.orders;
  return orders;
};

/**
 * Consumes `orders` with eachBatch (ONE instrumented span per batch), keeps
 * per-customer totals in tumbling windows per partition, and when a window
 * closes produces one `order-totals` message per customer inside an
 * aggregate span linked to every order that fed it. Offsets are committed
 * only for orders whose aggregate was emitted (see `delivery.ts`): a window
 * lost with its aggregator, or with a revoked partition, is read again from
 * the committed offset by the partition's next owner.
 */
export class Aggregator {
  private readonly counts = { consumed: 0, emitted: 0, assignments: 0, failedDeliveries: 0 };
  private readonly contributors = new FanInAccumulator<string>();
  private readonly consumer: Consumer;
  private readonly delivery: Delivery;
  private readonly tasks = new Map<number, PartitionTask>();
  private timer: NodeJS.Timeout | undefined;
  /** Orders of sealed windows waiting for their delivery. */
  private queuedOrders = 0;
  /** Set by `stop`: no partition is claimed and no batch handled from then on. */
  private stopping = false;
  /** The batch being handled, settled either way. */
  private batchDone: Promise<void> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly topics: Topics,
    private readonly config: AggregatorConfig,
  ) {
    this.consumer = kafka.consumer({
      groupId: config.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      // A killed member is noticed after this long (the broker's minimum is 6 s).
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
    });
    this.delivery = createDelivery(config.mode, {
      kafka,
      consumer: this.consumer,
      topics,
      groupId: config.groupId,
      beforeCommit: config.beforeCommit ?? (async () => {}),
      commitIntervalMs: config.commitIntervalMs,
    });
  }

  get stats(): AggregatorStats {
    let openOrders = 0;
    for (const task of this.tasks.values()) openOrders += task.windows.openOrders();
    return {
      ...this.counts,
      openOrders,
      partitions: [...this.tasks.keys()].sort((a, b) => a - b),
      pendingCommits: this.delivery.pendingCommits(),
      deliveriesInFlight: this.delivery.inFlight(),
      uncommittedOrders: openOrders + this.queuedOrders + this.delivery.uncommittedOrders(),
    };
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.counts.assignments++;
      this.assign(new Set(payload.memberAssignment[this.topics.orders] ?? []));
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.orders, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: (payload) => {
        const handled = this.handleBatch(payload);
        this.batchDone = handled.catch(() => {});
        return handled;
      },
    });
    this.timer = setInterval(() => this.sealEnded(Date.now()), 250);
  }

  /**
   * Emits every open window, commits, then stops consuming. A rebalance or a
   * batch arriving meanwhile claims nothing: a producer made after the
   * delivery closed would stay connected and keep the process alive.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.batchDone;
    for (const [partition, task] of this.tasks)
      this.deliverLater(partition, task, task.windows.seal());
    await Promise.all([...this.tasks.values()].map((task) => task.chain));
    await this.delivery.close();
    await this.consumer.disconnect();
  }

  /** Keeps what stays assigned; forgets revoked partitions' open windows (never committed). */
  private assign(partitions: Set<number>): void {
    if (this.stopping) return;
    for (const [partition, task] of [...this.tasks]) {
      if (partitions.has(partition) && !task.fenced) continue;
      this.forget(partition);
      void task.chain.then(() => this.delivery.release(partition)).catch(() => {});
    }
    for (const partition of partitions) this.taskOf(partition);
  }

  private forget(partition: number): void {
    this.tasks.delete(partition);
    this.contributors.discardWhere((key) => key.startsWith(`${partition}|`));
  }

  private taskOf(partition: number): PartitionTask {
    let task = this.tasks.get(partition);
    if (task === undefined) {
      const created: PartitionTask = {
        windows: new PartitionWindows(partition, this.config.windowMs),
        ready: this.delivery.claim(partition),
        nextOffset: undefined,
        chain: Promise.resolve(),
        fenced: false,
      };
      created.ready.then(
        (offset) => {
          created.nextOffset ??= offset;
        },
        // The next batch of the partition claims it again.
        () => this.tasks.get(partition) === created && this.forget(partition),
      );
      this.tasks.set(partition, created);
      task = created;
    }
    return task;
  }

  private async handleBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    if (this.stopping) return;
    const task = this.taskOf(batch.partition);
    // Transactional: the earlier owner is fenced and the committed offset known.
    try {
      await task.ready;
    } catch (error) {
      if (this.stopping) return;
      throw error;
    }
    for (const message of batch.messages) {
      // Revoked, fenced or stopping meanwhile.
      if (this.stopping || this.tasks.get(batch.partition) !== task || task.fenced) return;
      // Read again after a rebalance (kafkajs restarts from the committed offset): already held.
      if (task.nextOffset !== undefined && BigInt(message.offset) < BigInt(task.nextOffset))
        continue;
      task.nextOffset = (BigInt(message.offset) + 1n).toString();
      const order = decode<Order>(message.value);
      if (order === undefined) {
        task.windows.skip(message.offset);
        continue;
      }
      const { key, sealed } = task.windows.add(order, message.offset);
      this.contributors.add(key, message.headers, {
        'messaging.kafka.offset': Number(message.offset),
        'messaging.destination.partition.id': String(batch.partition),
      });
      this.counts.consumed++;
      if (sealed) {
        this.deliverLater(batch.partition, task, sealed);
        await task.chain;
        await heartbeat();
      }
    }
  }

  /** Seals the windows of idle partitions once they have ended. */
  private sealEnded(now: number): void {
    for (const [partition, task] of this.tasks)
      this.deliverLater(partition, task, task.windows.sealIfEnded(now, SEAL_GRACE_MS));
  }

  private deliverLater(partition: number, task: PartitionTask, segment: Segment | undefined): void {
    if (segment === undefined) return;
    const orders = ordersOf(segment);
    this.queuedOrders += orders;
    // An aggregate starts its own trace, whichever batch or timer sealed its window.
    task.chain = task.chain.then(() =>
      context
        .with(ROOT_CONTEXT, () => {
          this.queuedOrders -= orders;
          return this.deliver(segment, orders);
        })
        .catch((error: unknown) => {
          // Nothing of the segment was committed, so its orders are read again:
          // by the new owner when this one was fenced, else by this one.
          this.counts.failedDeliveries++;
          if (this.stopping || this.tasks.get(partition) !== task) return;
          if (isFenced(error)) task.fenced = true;
          else this.rewind(partition, segment.firstOffset);
        }),
    );
  }

  /** Starts the partition again from `offset`, dropping what is held past it. */
  private rewind(partition: number, offset: string): void {
    this.forget(partition);
    const task = this.taskOf(partition);
    task.nextOffset = offset;
    this.consumer.seek({ topic: this.topics.orders, partition, offset });
  }

  private async deliver(segment: Segment, orders: number): Promise<void> {
    await this.delivery.deliver(segment.partition, segment.nextOffset, orders, async (send) => {
      for (const window of segment.customers.values()) {
        const result: OrderTotal = {
          customer: window.customer,
          windowStart: segment.windowStart,
          windowEnd: segment.windowStart + this.config.windowMs,
          orders: window.orders,
          amount: Math.round(window.amount * 100) / 100,
        };
        await this.contributors.emit(
          window.key,
          {
            name: AGGREGATE_SPAN_NAME,
            attributes: {
              'app.customer': window.customer,
              'app.window.start': new Date(segment.windowStart).toISOString(),
              'app.window.orders': window.orders,
              'app.window.late_orders': window.late,
              'messaging.destination.partition.id': String(segment.partition),
              'app.window.offsets': `${segment.firstOffset}..${segment.nextOffset}`,
              [ATTR_AGGREGATOR_PID]: process.pid,
            },
          },
          // Produced inside the aggregate span: the message carries its context.
          () => send([{ key: window.customer, value: encode(result) }]),
        );
        this.counts.emitted++;
        this.config.onEmit?.(result);
      }
    });
  }
}
