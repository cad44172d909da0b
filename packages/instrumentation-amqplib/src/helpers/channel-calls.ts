import { isPromiseLike } from '@fanin/core/adapter';

/**
 * Calls an amqplib channel method that answers through a promise (the promise
 * API) or a trailing node-style callback (the callback API). The callback is
 * always passed: the promise API ignores an extra argument, and the callback
 * API returns the channel, which is not a promise.
 */
export function callChannel<T>(channel: object, method: string, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fn = (channel as Record<string, unknown>)[method];
    if (typeof fn !== 'function') {
      reject(new TypeError(`the channel has no ${method} method`));
      return;
    }
    const result: unknown = fn.call(channel, ...args, (error: unknown, ok: T) => {
      if (error !== null && error !== undefined) reject(error);
      else resolve(ok);
    });
    if (isPromiseLike(result)) (result as PromiseLike<T>).then(resolve, reject);
  });
}
