import {
  endSpan,
  type MessageDescription,
  recordSettlementAttributes,
  runInSpan,
  type SettingsSource,
  selfTracedOffers,
  startMessage,
} from '@fanin/core/adapter';
import type { Deliveries, PendingDelivery } from './deliveries';
import { deliveryReader } from './messages';
import type { AmqpTracingSettings } from './settings';
import type { AmqpMessage } from './types';

type OnMessage = (this: unknown, message: AmqpMessage | null) => unknown;

/** `consume(queue, onMessage, options)`, plus a callback in the callback API. */
export type ConsumeFunction = (
  this: unknown,
  queue: string,
  onMessage: OnMessage,
  options?: unknown,
  ...rest: unknown[]
) => unknown;

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * Wraps a channel's `consume`: each delivery is processed inside a
 * `process {queue}` span. With acknowledgements, the span waits for the
 * delivery's ack, nack or reject (settle.ts), channel close, or the timeout;
 * with `noAck` it ends when the callback settles. A callback that records its
 * own spans (`consumeBatch`) is handed this instance's settings instead.
 */
export function traceConsume(
  settings: SettingsSource<AmqpTracingSettings>,
  deliveries: Deliveries,
  consume: ConsumeFunction,
): ConsumeFunction {
  return function tracedConsume(this: unknown, queue, onMessage, options, ...rest) {
    const selfTraced = selfTracedOffers(onMessage);
    if (selfTraced !== undefined) selfTraced.offer(settings);
    if (typeof onMessage !== 'function' || selfTraced !== undefined || !isObject(this)) {
      return consume.call(this, queue, onMessage, options, ...rest);
    }
    const channel = this;
    const noAck = isObject(options) && (options as { noAck?: unknown }).noAck === true;
    const reader = deliveryReader(channel);
    const tracedOnMessage: OnMessage = function tracedOnMessage(this: unknown, message) {
      const current = settings();
      if (current === undefined || !isObject(message)) return onMessage.call(this, message);
      const { consumeHook } = current.config;
      const started = startMessage(
        current,
        (): MessageDescription<AmqpMessage> => ({
          destination: String(queue),
          message,
          reader,
          hook: consumeHook && {
            name: 'consumeHook',
            call: (span) => consumeHook(span, { queue: String(queue), message }),
          },
        }),
      );
      if (started === undefined) return onMessage.call(this, message);
      const { span } = started;
      if (noAck) {
        recordSettlementAttributes(span, 'auto_ack', {});
        return runInSpan(
          span,
          started.context,
          () => onMessage.call(this, message),
          started.end,
          started.recordProcessed,
        );
      }
      const delivery = track(current, deliveries, channel, String(queue), message, span);
      return runInSpan(
        span,
        started.context,
        () => {
          try {
            return onMessage.call(this, message);
          } catch (error) {
            if (delivery) delivery.callbackError = error;
            throw error;
          }
        },
        // The span ends at the delivery's settlement, not when the callback returns.
        () => {},
        started.recordProcessed,
      );
    };
    return consume.call(this, queue, tracedOnMessage, options, ...rest);
  };
}

/** Registers the delivery with its channel's tracker, before the callback can ack it. */
function track(
  settings: AmqpTracingSettings,
  deliveries: Deliveries,
  channel: object,
  queue: string,
  message: AmqpMessage,
  span: PendingDelivery['span'],
): PendingDelivery | undefined {
  const tag = message.fields?.deliveryTag;
  if (typeof tag !== 'number') {
    // Nothing to settle it by: end it now rather than leave it open.
    endSpan(span);
    return undefined;
  }
  const delivery: PendingDelivery = {
    tag,
    queue,
    message,
    span,
    settings,
    deadline:
      settings.consumeTimeoutMs > 0
        ? Date.now() + settings.consumeTimeoutMs
        : Number.POSITIVE_INFINITY,
  };
  deliveries.for(channel).add(delivery);
  return delivery;
}
