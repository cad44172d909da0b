import type { Consumer, Kafka, Message, Producer } from 'kafkajs';
import type { Topics } from './orders';

/**
 * How a window's results and its consumed offsets reach Kafka.
 * - `transactional`: results and offsets in ONE Kafka transaction; each
 *   partition has its own transactional id, so a new owner fences the old one
 *   (its open transaction is aborted) before it reads the committed offset.
 *   Every order is in exactly one committed aggregate.
 * - `plain` (at-least-once): results sent, then the offsets committed
 *   `commitIntervalMs` later. Results emitted by an owner that dies (or loses
 *   the partition) before that commit are emitted again by the next owner.
 */
export type DeliveryMode = 'transactional' | 'plain';

export const DELIVERY_MODES: readonly DeliveryMode[] = ['transactional', 'plain'];

export type SendResults = (messages: Message[]) => Promise<unknown>;

export interface Delivery {
  /** Makes `partition` ours; resolves to the committed offset to start from, if known. */
  claim(partition: number): Promise<string | undefined>;
  /** The partition was taken away: forget it (nothing more is committed for it). */
  release(partition: number): Promise<void>;
  /**
   * Produces a window's results (`produce` calls `send` inside each
   * aggregate span) and commits `nextOffset` for `partition` with them;
   * `orders` is how many orders the window counts.
   */
  deliver(
    partition: number,
    nextOffset: string,
    orders: number,
    produce: (send: SendResults) => Promise<void>,
  ): Promise<void>;
  /** Partitions with emitted windows whose offsets are not committed yet (plain mode's duplicate window). */
  pendingCommits(): number;
  /** Deliveries under way (transactional: a transaction open). */
  inFlight(): number;
  /** Orders of windows handed to `deliver` whose offsets are not committed yet. */
  uncommittedOrders(): number;
  /**
   * Commits what is pending and lets go of the producers; a claim that has
   * not made its producer yet fails instead (nothing is left connected).
   */
  close(): Promise<void>;
}

export interface DeliverySetup {
  kafka: Kafka;
  consumer: Consumer;
  topics: Topics;
  groupId: string;
  /** Runs before offsets are committed (the demo makes sure the spans are exported). */
  beforeCommit: () => Promise<void>;
  /** Plain mode: how long after a window's results are sent its offsets are committed. */
  commitIntervalMs: number;
}

export function createDelivery(mode: DeliveryMode, setup: DeliverySetup): Delivery {
  return mode === 'transactional' ? new TransactionalDelivery(setup) : new PlainDelivery(setup);
}

class TransactionalDelivery implements Delivery {
  private readonly producers = new Map<number, Promise<Producer>>();
  private open = 0;
  private openOrders = 0;
  private closed = false;

  constructor(private readonly setup: DeliverySetup) {}

  async claim(partition: number): Promise<string | undefined> {
    const { kafka, groupId, topics } = this.setup;
    await this.release(partition);
    // Checked after the wait: from here to `producers.set` nothing yields, so
    // `close` either sees this producer or this claim sees `closed`.
    if (this.closed) throw new Error(`partition ${partition} claimed after the delivery closed`);
    const producer = kafka.producer({
      transactionalId: `${groupId}-${topics.orders}-${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const ready = (async () => {
      await producer.connect();
      // InitProducerId: bumps the epoch of this partition's transactional id,
      // so a previous owner's open transaction is aborted and its late commit refused.
      const fence = await producer.transaction();
      await fence.abort();
      return producer;
    })();
    this.producers.set(partition, ready);
    await ready;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topics.orders] });
      const offset = offsets?.partitions.find((p) => p.partition === partition)?.offset;
      return offset === undefined || offset === '-1' ? undefined : offset;
    } finally {
      await admin.disconnect();
    }
  }

  async release(partition: number): Promise<void> {
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    await (await producer?.catch(() => undefined))?.disconnect();
  }

  async deliver(
    partition: number,
    nextOffset: string,
    orders: number,
    produce: (send: SendResults) => Promise<void>,
  ): Promise<void> {
    const producer = await this.producers.get(partition);
    if (producer === undefined) throw new Error(`partition ${partition} is not claimed`);
    const { topics, groupId, beforeCommit } = this.setup;
    const transaction = await producer.transaction();
    this.open++;
    this.openOrders += orders;
    try {
      await produce((messages) => transaction.send({ topic: topics.totals, messages }));
      await beforeCommit();
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: topics.orders, partitions: [{ partition, offset: nextOffset }] }],
      });
      await transaction.commit();
    } catch (error) {
      if (transaction.isActive()) await transaction.abort().catch(() => {});
      throw error;
    } finally {
      this.open--;
      this.openOrders -= orders;
    }
  }

  pendingCommits(): number {
    return 0;
  }

  inFlight(): number {
    return this.open;
  }

  uncommittedOrders(): number {
    return this.openOrders;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.producers.keys()].map((partition) => this.release(partition)));
  }
}

class PlainDelivery implements Delivery {
  private producer: Promise<Producer> | undefined;
  /** partition → the offset to commit and the orders it covers since the last commit. */
  private readonly pending = new Map<number, { offset: string; orders: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sending = 0;
  private sendingOrders = 0;

  constructor(private readonly setup: DeliverySetup) {}

  async claim(): Promise<string | undefined> {
    // kafkajs starts a newly assigned partition from its committed offset.
    return undefined;
  }

  async release(partition: number): Promise<void> {
    this.pending.delete(partition);
  }

  async deliver(
    partition: number,
    nextOffset: string,
    orders: number,
    produce: (send: SendResults) => Promise<void>,
  ): Promise<void> {
    const producer = await this.producerOnce();
    const { topics, commitIntervalMs } = this.setup;
    this.sending++;
    this.sendingOrders += orders;
    try {
      await produce((messages) => producer.send({ topic: topics.totals, messages }));
    } finally {
      this.sending--;
      this.sendingOrders -= orders;
    }
    const pending = this.pending.get(partition)?.orders ?? 0;
    this.pending.set(partition, { offset: nextOffset, orders: pending + orders });
    // Committed a while after the results were sent, as an auto-commit interval does.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.commit().catch(() => {});
    }, commitIntervalMs);
  }

  pendingCommits(): number {
    return this.pending.size;
  }

  inFlight(): number {
    return this.sending;
  }

  uncommittedOrders(): number {
    let orders = this.sendingOrders;
    for (const pending of this.pending.values()) orders += pending.orders;
    return orders;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.commit();
    await (await this.producer)?.disconnect();
  }

  /** Commits the offsets of the windows emitted since the last tick. */
  private async commit(): Promise<void> {
    if (this.pending.size === 0) return;
    const offsets = [...this.pending].map(([partition, { offset }]) => ({
      topic: this.setup.topics.orders,
      partition,
      offset,
    }));
    this.pending.clear();
    await this.setup.beforeCommit();
    // Refused (stale generation) once the partition moved: the next owner re-reads.
    await this.setup.consumer.commitOffsets(offsets);
  }

  private producerOnce(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.setup.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }
}
