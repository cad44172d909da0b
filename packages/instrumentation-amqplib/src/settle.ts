import {
  callHook,
  endSpan,
  recordSettlement,
  recordSettlementSpan,
  type SettingsSource,
  type Settlement,
  type SettlementDetails,
} from '@fanin/core/adapter';
import { diag } from '@opentelemetry/api';
import type { Deliveries, PendingDelivery } from './deliveries';
import { deliveryLinkAttributes, peerAttributes } from './messages';
import type { AmqpTracingSettings } from './settings';

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

/** Says on a delivery's span how it was settled, calls the end hook, and ends it. Never throws. */
export function endDelivery(
  delivery: PendingDelivery,
  settlement: Settlement,
  details: SettlementDetails = {},
): void {
  const { span, settings } = delivery;
  // A channel error the consumer callback itself caused is already on the span.
  const reported =
    details.error !== undefined && details.error === delivery.callbackError
      ? { ...details, error: undefined }
      : details;
  recordSettlement(span, settlement, reported);
  const { consumeEndHook } = settings.config;
  if (consumeEndHook !== undefined) {
    callHook('consumeEndHook', consumeEndHook, span, {
      queue: delivery.queue,
      message: delivery.message,
      settlement,
      requeue: details.requeue,
    });
  }
  endSpan(span);
}

/**
 * Wraps a settlement method (`ack`, `nack`, `reject`, `ackAll`, `nackAll`).
 * amqplib sends the frame first; only when that did not throw are the spans
 * of the deliveries it covers ended, and, for several at once, a settle span
 * recorded.
 */
export function traceSettle(
  settings: SettingsSource<AmqpTracingSettings>,
  deliveries: Deliveries,
  name: SettleMethodName,
  method: SettleMethod,
): SettleMethod {
  const describe = SETTLE_METHODS[name] as (a?: unknown, b?: unknown, c?: unknown) => SettleRequest;
  // Called once per message: the arguments are passed on as they came, not copied into arrays.
  return function tracedSettle(this: unknown, a?: unknown, b?: unknown, c?: unknown) {
    // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
    const result = method.apply(this, arguments as unknown as unknown[]);
    try {
      settle(settings(), deliveries, this, describe(a, b, c));
    } catch (error) {
      diag.error(`fanin: could not record ${name}; the settlement itself went out`, error);
    }
    return result;
  };
}

function settle(
  settings: AmqpTracingSettings | undefined,
  deliveries: Deliveries,
  channel: unknown,
  request: SettleRequest,
): void {
  const tracker = deliveries.of(channel);
  if (tracker === undefined || tracker.size === 0 || Number.isNaN(request.tag)) return;
  const covered = tracker.take(request.tag, request.multiple);
  if (covered.length === 0) return;
  const details = { requeue: request.requeue, multiple: request.multiple };
  for (const delivery of covered) endDelivery(delivery, request.kind, details);
  if (
    settings === undefined ||
    !request.multiple ||
    covered.length < 2 ||
    settings.config.batchSettlementSpans === false
  ) {
    return;
  }
  const queues = new Set(covered.map((delivery) => delivery.queue));
  recordSettlementSpan(settings, {
    destination: queues.size === 1 ? covered[0]?.queue : undefined,
    settlement: request.kind,
    details: { requeue: request.requeue },
    messages: covered,
    reader: {
      headers: (delivery) => delivery.message.properties?.headers,
      linkAttributes: (delivery) => deliveryLinkAttributes(delivery.message),
    },
    attributes: peerAttributes(channel),
  });
}

export type ChannelEmit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Wraps a channel's `emit` to see its `error` and `close` events: the broker
 * requeues every unsettled delivery of a closed channel, so their spans end
 * there, saying so.
 */
export function traceChannelEmit(deliveries: Deliveries, emit: ChannelEmit): ChannelEmit {
  // Called for every delivery: the arguments are passed on as they came, not copied into arrays.
  return function tracedEmit(this: unknown, event, reason?: unknown) {
    if (event === 'error' || event === 'close') {
      try {
        // A channel emits `error`, then `close`: the close forgets its tracker.
        const pending =
          event === 'close' ? deliveries.close(this) : (deliveries.of(this)?.takeAll() ?? []);
        const settlement = event === 'error' ? 'channel_error' : 'channel_closed';
        for (const delivery of pending) endDelivery(delivery, settlement, { error: reason });
      } catch (error) {
        diag.error('fanin: could not end the spans of a closed channel', error);
      }
    }
    // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
    return emit.apply(this, arguments as unknown as [string | symbol, ...unknown[]]);
  };
}
