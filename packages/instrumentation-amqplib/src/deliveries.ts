import type { Span } from '@opentelemetry/api';
import type { AmqpTracingSettings } from './settings';
import type { AmqpMessage } from './types';

/** A delivery whose `process` span waits for its settlement. */
export interface PendingDelivery {
  tag: number;
  queue: string;
  message: AmqpMessage;
  span: Span;
  /** The settings its span was started with (hooks, names). */
  settings: AmqpTracingSettings;
  /** When it times out (Date.now() milliseconds), or Infinity. */
  deadline: number;
  /** What the consumer callback threw, so a channel error caused by it is not recorded twice. */
  callbackError?: unknown;
}

// Trackers holding deliveries, so disable() can end their spans; a tracker
// leaves the set when its last delivery is settled.
const withPending = new Set<DeliveryTracker>();
const trackers = new WeakMap<object, DeliveryTracker>();

/**
 * The deliveries of one channel that are not settled yet, in delivery-tag
 * order (tags grow on a channel, and a Map keeps insertion order). One timer,
 * unref'd, waits for the oldest deadline.
 */
export class DeliveryTracker {
  private readonly pending = new Map<number, PendingDelivery>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onTimeout: (expired: PendingDelivery[]) => void) {}

  get size(): number {
    return this.pending.size;
  }

  add(delivery: PendingDelivery): void {
    this.pending.set(delivery.tag, delivery);
    withPending.add(this);
    if (this.timer === undefined) this.schedule();
  }

  /**
   * Removes the deliveries one settlement covers: the one with `tag`, or with
   * `multiple` every one up to `tag` (all of them for tag 0, as in AMQP).
   */
  take(tag: number, multiple: boolean): PendingDelivery[] {
    if (!multiple) {
      const delivery = this.pending.get(tag);
      if (delivery === undefined) return [];
      this.pending.delete(tag);
      this.afterRemoval();
      return [delivery];
    }
    if (tag === 0) return this.takeAll();
    const taken: PendingDelivery[] = [];
    for (const [pendingTag, delivery] of this.pending) {
      if (pendingTag > tag) break;
      taken.push(delivery);
    }
    for (const delivery of taken) this.pending.delete(delivery.tag);
    this.afterRemoval();
    return taken;
  }

  takeAll(): PendingDelivery[] {
    const taken = Array.from(this.pending.values());
    this.pending.clear();
    this.afterRemoval();
    return taken;
  }

  private afterRemoval(): void {
    if (this.pending.size > 0) return;
    this.cancelTimer();
    withPending.delete(this);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.cancelTimer();
    const first = this.pending.values().next().value;
    if (first === undefined || first.deadline === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, first.deadline - Date.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    const expired: PendingDelivery[] = [];
    for (const delivery of this.pending.values()) {
      if (delivery.deadline > now) break;
      expired.push(delivery);
    }
    for (const delivery of expired) this.pending.delete(delivery.tag);
    if (this.pending.size > 0) this.schedule();
    else withPending.delete(this);
    if (expired.length > 0) this.onTimeout(expired);
  }
}

/** The tracker of `channel`, if a traced delivery arrived on it. */
export function trackerOf(channel: unknown): DeliveryTracker | undefined {
  return typeof channel === 'object' && channel !== null ? trackers.get(channel) : undefined;
}

export function trackerFor(
  channel: object,
  onTimeout: (expired: PendingDelivery[]) => void,
): DeliveryTracker {
  let tracker = trackers.get(channel);
  if (tracker === undefined) {
    tracker = new DeliveryTracker(onTimeout);
    trackers.set(channel, tracker);
  }
  return tracker;
}

/** Removes every pending delivery of every channel. */
export function takeEveryPendingDelivery(): PendingDelivery[] {
  return Array.from(withPending).flatMap((tracker) => tracker.takeAll());
}
