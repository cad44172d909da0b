// The points where the real libraries hand a consumed message to the handler
// they were given (fanin's traced handler, when fanin is enabled). At these
// seams the suite sees what the library delivered before fanin did, puts an
// in-process hostile value in place of a carried message's headers, and sees
// what fanin hands back to the library (the error that reaches it).
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';

/** What a seam calls: before the handler sees a message, and with what the handler threw. */
export interface SeamHooks<M> {
  beforeHandler?(message: M): void;
  handlerThrew?(error: unknown): void;
  /**
   * amqplib ignores what a consume callback returns; given this, the seam
   * takes a returned promise's rejection (as a library that awaited its
   * callbacks would), so the suite sees the value and the process does not.
   */
  handlerRejected?(error: unknown): void;
}

type Restore = () => void;

interface KafkaBatchPayload {
  batch: { messages: KafkaMessage[] };
}
interface KafkaMessagePayload {
  message: KafkaMessage;
}
type Handler<P> = (this: unknown, payload: P) => Promise<void>;

/**
 * kafkajs's Runner keeps the `eachBatch`/`eachMessage` it was given (fanin's
 * traced handlers) and calls `this.eachBatch(payload)` for each fetched
 * batch. An accessor on Runner.prototype catches that assignment in the
 * constructor and keeps, in its place, a function that calls the hooks
 * around the handler kafkajs was given.
 */
export function installKafkaSeam(hooks: SeamHooks<KafkaMessage>): Restore {
  const Runner = require(join(kafkajsRoot(), 'src/consumer/runner.js')) as {
    prototype: object;
  };
  const observe = <P>(handler: Handler<P> | null, messagesOf: (payload: P) => KafkaMessage[]) => {
    if (typeof handler !== 'function') return handler;
    return async function seam(this: unknown, payload: P) {
      for (const message of messagesOf(payload)) hooks.beforeHandler?.(message);
      try {
        return await handler.call(this, payload);
      } catch (error) {
        hooks.handlerThrew?.(error);
        throw error;
      }
    };
  };
  const define = (name: 'eachBatch' | 'eachMessage', wrap: (handler: never) => unknown) =>
    Object.defineProperty(Runner.prototype, name, {
      configurable: true,
      get: () => undefined,
      set(this: object, handler: never) {
        Object.defineProperty(this, name, {
          value: wrap(handler),
          writable: true,
          configurable: true,
        });
      },
    });
  define('eachBatch', (handler: Handler<KafkaBatchPayload> | null) =>
    observe(handler, (payload) => payload.batch.messages),
  );
  define('eachMessage', (handler: Handler<KafkaMessagePayload> | null) =>
    observe(handler, (payload) => [payload.message]),
  );
  return () => {
    delete (Runner.prototype as Record<string, unknown>).eachBatch;
    delete (Runner.prototype as Record<string, unknown>).eachMessage;
  };
}

function kafkajsRoot(): string {
  return join(require.resolve('kafkajs/package.json'), '..');
}

/** A delivery as amqplib dispatches it. */
export interface Delivery {
  fields: { deliveryTag: number; redelivered: boolean; consumerTag: string };
  properties: { headers?: unknown; messageId?: unknown };
  content: Buffer;
}

/**
 * amqplib dispatches each delivery with `BaseChannel.prototype.dispatchMessage`
 * to the callback registered by `consume` (fanin's traced callback, or the
 * `consumeBatch` helper's). Wrapping it shows each delivery before the
 * callback, and what the callback threw.
 */
export function installAmqplibSeam(amqplibRoot: string, hooks: SeamHooks<Delivery>): Restore {
  const { BaseChannel } = require(join(amqplibRoot, 'lib/channel.js')) as {
    BaseChannel: { prototype: { dispatchMessage(fields: unknown, message: unknown): unknown } };
  };
  const original = BaseChannel.prototype.dispatchMessage;
  BaseChannel.prototype.dispatchMessage = function seam(fields, message) {
    if (message !== null && message !== undefined) hooks.beforeHandler?.(message as Delivery);
    try {
      const result = original.call(this, fields, message);
      const { handlerRejected } = hooks;
      if (handlerRejected && result instanceof Promise) result.catch(handlerRejected);
      return result;
    } catch (error) {
      hooks.handlerThrew?.(error);
      throw error;
    }
  };
  return () => {
    BaseChannel.prototype.dispatchMessage = original;
  };
}

/** The function fanin wrapped (its `__original`), or the function itself: an untraced call. */
export function untraced<F extends (...args: never[]) => unknown>(fn: F): F {
  const original = (fn as unknown as { __original?: unknown }).__original;
  return typeof original === 'function' ? (original as F) : fn;
}
