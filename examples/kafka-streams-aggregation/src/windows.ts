import type { Order } from './orders';

/** One customer's part of a window: what its aggregate will say and link. */
export interface CustomerWindow {
  customer: string;
  orders: number;
  amount: number;
  /** Orders created in an earlier window that arrived once this one was open. */
  late: number;
  /** Names this customer's window in the accumulator of contributors. */
  key: string;
}

/**
 * One window of one partition: a contiguous run of offsets, `[firstOffset,
 * nextOffset)`. Emitting it and committing `nextOffset` together covers
 * exactly its orders, so whoever owns the partition next starts right after
 * them (or, if the commit never happened, re-reads all of them).
 */
export interface Segment {
  partition: number;
  windowStart: number;
  firstOffset: string;
  /** The offset to commit once the segment's aggregates are emitted. */
  nextOffset: string;
  customers: Map<string, CustomerWindow>;
}

const windowOf = (createdAt: number, windowMs: number) => createdAt - (createdAt % windowMs);
const next = (offset: string) => (BigInt(offset) + 1n).toString();

/**
 * Tumbling windows over one partition, in offset order. An order whose
 * window is later than the open one seals the open one; an order created in
 * an earlier window than the open one (late) is counted in the open one. So
 * every segment is a contiguous offset range, and the same orders read again
 * from a committed offset make the same segments.
 */
export class PartitionWindows {
  private open: Segment | undefined;

  constructor(
    readonly partition: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Adds one order: returns the key of the customer window it feeds, and the
   * segment it sealed if it opened a later window.
   */
  add(order: Order, offset: string): { key: string; sealed: Segment | undefined } {
    const windowStart = windowOf(order.createdAt, this.windowMs);
    let sealed: Segment | undefined;
    if (this.open !== undefined && windowStart > this.open.windowStart) sealed = this.seal();
    const segment = this.open ?? this.start(windowStart, offset);
    const customer = segment.customers.get(order.customer) ?? {
      customer: order.customer,
      orders: 0,
      amount: 0,
      late: 0,
      key: `${this.partition}|${segment.firstOffset}|${order.customer}`,
    };
    customer.orders++;
    customer.amount += order.amount;
    if (windowStart < segment.windowStart) customer.late++;
    segment.customers.set(order.customer, customer);
    segment.nextOffset = next(offset);
    return { key: customer.key, sealed };
  }

  /** A message that is not an order still moves the segment's end past it. */
  skip(offset: string): void {
    if (this.open !== undefined) this.open.nextOffset = next(offset);
  }

  /** Seals the open window if it ended `graceMs` before `now` (an idle partition). */
  sealIfEnded(now: number, graceMs: number): Segment | undefined {
    if (this.open === undefined || this.open.windowStart + this.windowMs + graceMs > now)
      return undefined;
    return this.seal();
  }

  /** Seals whatever is open (at the end of a run). */
  seal(): Segment | undefined {
    const sealed = this.open;
    this.open = undefined;
    return sealed;
  }

  /** Orders held in the open window (not yet emitted). */
  openOrders(): number {
    let count = 0;
    for (const customer of this.open?.customers.values() ?? []) count += customer.orders;
    return count;
  }

  private start(windowStart: number, offset: string): Segment {
    this.open = {
      partition: this.partition,
      windowStart,
      firstOffset: offset,
      nextOffset: next(offset),
      customers: new Map(),
    };
    return this.open;
  }
}
