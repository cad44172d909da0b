import { ATTR_FANIN_SETTLEMENT, runInSpan } from '@fanin/core';
import { type PendingDelivery, trackerFor } from './deliveries';
import { endDeliverySpan, startDeliverySpan } from './delivery-span';
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

// consumeBatch records its own span per batch; its deliveries get no span of their own.
const UNTRACED = Symbol.for('@fanin/instrumentation-amqplib:untraced-consumer');

/** Marks a consumer callback the `consume` patch must leave untraced. */
export function untracedConsumer<F extends (...args: never[]) => unknown>(callback: F): F {
  Object.defineProperty(callback, UNTRACED, { value: true });
  return callback;
}

function isUntraced(callback: object): boolean {
  return (callback as { [UNTRACED]?: unknown })[UNTRACED] === true;
}

/**
 * Wraps a channel's `consume`: each delivery is processed inside a
 * `process {queue}` span. With acknowledgements, the span waits for the
 * delivery's ack, nack or reject (see settle.ts), channel close, or the
 * timeout; with `noAck` it ends when the callback settles.
 */
export function traceConsume(
  getSettings: () => AmqpTracingSettings | undefined,
  consume: ConsumeFunction,
): ConsumeFunction {
  return function tracedConsume(this: unknown, queue, onMessage, options, ...rest) {
    if (typeof onMessage !== 'function' || isUntraced(onMessage) || !isObject(this)) {
      return consume.call(this, queue, onMessage, options, ...rest);
    }
    const channel = this;
    const noAck = isObject(options) && (options as { noAck?: unknown }).noAck === true;
    const tracedOnMessage: OnMessage = function tracedOnMessage(this: unknown, message) {
      const settings = getSettings();
      if (settings === undefined || !isObject(message)) return onMessage.call(this, message);
      const started = startDeliverySpan(settings, channel, String(queue), message);
      if (started === undefined) return onMessage.call(this, message);
      const { span } = started;
      if (noAck) {
        span.setAttribute(ATTR_FANIN_SETTLEMENT, 'auto_ack');
        return runInSpan(
          span,
          started.context,
          () => onMessage.call(this, message),
          () => span.end(),
        );
      }
      const delivery = track(settings, channel, String(queue), message, span);
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
      );
    };
    return consume.call(this, queue, tracedOnMessage, options, ...rest);
  };
}

/** Registers the delivery with its channel's tracker, before the callback can ack it. */
function track(
  settings: AmqpTracingSettings,
  channel: object,
  queue: string,
  message: AmqpMessage,
  span: PendingDelivery['span'],
): PendingDelivery | undefined {
  const tag = message.fields?.deliveryTag;
  if (typeof tag !== 'number') {
    // Nothing to settle it by: end it now rather than leave it open.
    span.end();
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
  trackerFor(channel, endTimedOut).add(delivery);
  return delivery;
}

function endTimedOut(expired: PendingDelivery[]): void {
  for (const delivery of expired) endDeliverySpan(delivery, 'timeout');
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
