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

/**
 * The deliveries of one channel that are not settled yet, in delivery-tag
 * order (tags grow on a channel, and a Map keeps insertion order). One timer,
 * unref'd, waits for the oldest deadline. It is not cancelled when the
 * tracker empties (a consumer acking one by one would otherwise make a timer
 * per message): it fires, finds nothing due, and waits for the next deadline.
 */
export class DeliveryTracker {
  private readonly pending = new Map<number, PendingDelivery>();
  private timer: NodeJS.Timeout | undefined;

  /** @param onTimeout gets the deliveries whose deadline passed */
  constructor(private readonly onTimeout: (expired: PendingDelivery[]) => void) {}

  get size(): number {
    return this.pending.size;
  }

  add(delivery: PendingDelivery): void {
    this.pending.set(delivery.tag, delivery);
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
      return [delivery];
    }
    if (tag === 0) return this.takeAll();
    const taken: PendingDelivery[] = [];
    for (const [pendingTag, delivery] of this.pending) {
      if (pendingTag > tag) break;
      taken.push(delivery);
    }
    for (const delivery of taken) this.pending.delete(delivery.tag);
    return taken;
  }

  takeAll(): PendingDelivery[] {
    const taken = Array.from(this.pending.values());
    this.pending.clear();
    return taken;
  }

  /** Stops the timer: the channel is gone. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.stop();
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
    if (expired.length > 0) this.onTimeout(expired);
  }
}

/**
 * One instrumentation instance's deliveries waiting for settlement, per
 * channel. Another instance (or the same one after disable and enable) has
 * its own, so neither ever ends the other's spans.
 */
export class Deliveries {
  private readonly trackers = new WeakMap<object, DeliveryTracker>();
  /** The trackers of channels not closed yet, so disable() can end their spans. */
  private readonly open = new Set<DeliveryTracker>();

  constructor(private readonly onTimeout: (expired: PendingDelivery[]) => void) {}

  /** The tracker of `channel`, if a delivery traced by this instance arrived on it. */
  of(channel: unknown): DeliveryTracker | undefined {
    return typeof channel === 'object' && channel !== null ? this.trackers.get(channel) : undefined;
  }

  for(channel: object): DeliveryTracker {
    let tracker = this.trackers.get(channel);
    if (tracker === undefined) {
      tracker = new DeliveryTracker(this.onTimeout);
      this.trackers.set(channel, tracker);
      this.open.add(tracker);
    }
    return tracker;
  }

  /** Forgets the tracker of a closed channel, handing over what it still held. */
  close(channel: unknown): PendingDelivery[] {
    const tracker = this.of(channel);
    if (tracker === undefined) return [];
    this.open.delete(tracker);
    this.trackers.delete(channel as object);
    tracker.stop();
    return tracker.takeAll();
  }

  /** Removes every pending delivery of every channel. */
  takeAll(): PendingDelivery[] {
    return Array.from(this.open).flatMap((tracker) => tracker.takeAll());
  }
}
