import { diag } from '@opentelemetry/api';
import { takeEveryPendingDelivery, trackerOf } from './deliveries';
import { endDeliverySpan } from './delivery-span';
import type { AmqpTracingSettings } from './settings';
import { recordSettlementSpan } from './settlement-span';

/** One settlement call as the broker sees it. */
export interface SettleRequest {
  kind: 'ack' | 'nack' | 'reject';
  /** The delivery tag; 0 with `multiple` means every outstanding delivery. */
  tag: number;
  multiple: boolean;
  /** With nack and reject. */
  requeue?: boolean;
}

export type SettleMethod = (this: unknown, ...args: unknown[]) => unknown;

const tagOf = (message: unknown): number => {
  const tag = (message as { fields?: { deliveryTag?: unknown } } | null)?.fields?.deliveryTag;
  return typeof tag === 'number' ? tag : Number.NaN;
};
// amqplib requeues unless told `false`.
const requeueOf = (requeue: unknown): boolean => requeue !== false;

/** How each settlement method's arguments read, per amqplib's Channel. */
export const SETTLE_METHODS = {
  ack: (message: unknown, allUpTo?: unknown): SettleRequest => ({
    kind: 'ack',
    tag: tagOf(message),
    multiple: allUpTo === true,
  }),
  nack: (message: unknown, allUpTo?: unknown, requeue?: unknown): SettleRequest => ({
    kind: 'nack',
    tag: tagOf(message),
    multiple: allUpTo === true,
    requeue: requeueOf(requeue),
  }),
  reject: (message: unknown, requeue?: unknown): SettleRequest => ({
    kind: 'reject',
    tag: tagOf(message),
    multiple: false,
    requeue: requeueOf(requeue),
  }),
  ackAll: (): SettleRequest => ({ kind: 'ack', tag: 0, multiple: true }),
  nackAll: (requeue?: unknown): SettleRequest => ({
    kind: 'nack',
    tag: 0,
    multiple: true,
    requeue: requeueOf(requeue),
  }),
} as const;

export type SettleMethodName = keyof typeof SETTLE_METHODS;

/**
 * Wraps a settlement method (`ack`, `nack`, `reject`, `ackAll`, `nackAll`).
 * amqplib sends the frame first; only when that did not throw are the spans
 * of the deliveries it covers ended, and, for several at once, a settle span
 * recorded.
 */
export function traceSettle(
  getSettings: () => AmqpTracingSettings | undefined,
  name: SettleMethodName,
  method: SettleMethod,
): SettleMethod {
  const describe = SETTLE_METHODS[name] as (...args: unknown[]) => SettleRequest;
  return function tracedSettle(this: unknown, ...args: unknown[]) {
    const result = method.apply(this, args);
    try {
      settle(getSettings(), this, describe(...args));
    } catch (error) {
      diag.error(`fanin: could not record ${name}; the settlement itself went out`, error);
    }
    return result;
  };
}

function settle(
  settings: AmqpTracingSettings | undefined,
  channel: unknown,
  request: SettleRequest,
): void {
  const tracker = trackerOf(channel);
  if (tracker === undefined || tracker.size === 0 || Number.isNaN(request.tag)) return;
  const covered = tracker.take(request.tag, request.multiple);
  if (covered.length === 0) return;
  const details = { requeue: request.requeue, multiple: request.multiple };
  for (const delivery of covered) endDeliverySpan(delivery, request.kind, details);
  if (
    settings !== undefined &&
    request.multiple &&
    covered.length > 1 &&
    settings.config.batchSettlementSpans !== false
  ) {
    recordSettlementSpan(settings, channel, request, covered);
  }
}

export type ChannelEmit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Wraps a channel's `emit` to see its `error` and `close` events: the broker
 * requeues every unsettled delivery of a closed channel, so their spans end
 * there, saying so.
 */
export function traceChannelEmit(emit: ChannelEmit): ChannelEmit {
  return function tracedEmit(this: unknown, event, ...args) {
    if (event === 'error' || event === 'close') {
      try {
        endOnChannelEnd(this, event, args[0]);
      } catch (error) {
        diag.error('fanin: could not end the spans of a closed channel', error);
      }
    }
    return emit.call(this, event, ...args);
  };
}

function endOnChannelEnd(channel: unknown, event: 'error' | 'close', error: unknown): void {
  const tracker = trackerOf(channel);
  if (tracker === undefined || tracker.size === 0) return;
  const settlement = event === 'error' ? 'channel_error' : 'channel_closed';
  for (const delivery of tracker.takeAll()) endDeliverySpan(delivery, settlement, { error });
}

/** Ends the span of every delivery still waiting for its settlement (on disable()). */
export function endEveryPendingDelivery(): void {
  for (const delivery of takeEveryPendingDelivery()) {
    endDeliverySpan(delivery, 'instrumentation_disabled');
  }
}
