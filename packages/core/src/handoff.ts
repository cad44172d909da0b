import type { SettingsSource, TracingSettings } from './settings';
import { TransactionRecorder } from './trace-transaction';

/**
 * How fanin's helpers (a batch consumer built on a library's per-message
 * callback, a transaction the library has no methods for) and the
 * instrumentation instances that intercept the library find each other,
 * without a process-wide "current instrumentation": each instance that
 * intercepts a helper's call offers its settings to it, and the helper
 * records with the first offer whose instance is enabled.
 *
 * The marks are properties under `Symbol.for` keys, so two copies of
 * @fanin/core in one application still understand each other.
 */
export class SettingsOffers<S extends TracingSettings = TracingSettings> {
  private readonly sources: SettingsSource<S>[] = [];

  offer(source: SettingsSource<S>): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  /** The settings of the first offering instance that is enabled now. */
  current(): S | undefined {
    for (const source of this.sources) {
      const settings = source();
      if (settings !== undefined) return settings;
    }
    return undefined;
  }
}

const SELF_TRACED = Symbol.for('@fanin/core:self-traced');
const TRANSACTION = Symbol.for('@fanin/core:transaction');

function hide(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: false,
    writable: true,
    value,
  });
}

/**
 * Marks a callback that records its own spans (e.g. `consumeBatch`'s
 * delivery callback): an instrumentation intercepting it must not trace its
 * calls one by one, and offers it its settings instead.
 */
export function markSelfTraced<F extends object>(callback: F, offers: SettingsOffers): F {
  hide(callback, SELF_TRACED, offers);
  return callback;
}

/** The offers of a callback marked by `markSelfTraced`, or undefined for any other value. */
export function selfTracedOffers(callback: unknown): SettingsOffers | undefined {
  if (typeof callback !== 'function' && (typeof callback !== 'object' || callback === null)) {
    return undefined;
  }
  const offers = (callback as { [SELF_TRACED]?: unknown })[SELF_TRACED];
  return offers instanceof Object && typeof (offers as SettingsOffers).offer === 'function'
    ? (offers as SettingsOffers)
    : undefined;
}

/** A transaction open on a carrier (an AMQP channel), with the settings offered to it. */
export interface CarrierTransaction {
  recorder: TransactionRecorder;
  offers: SettingsOffers;
}

/** Opens a transaction on `carrier`: what is sent through it from now on is recorded in it. */
export function beginTransaction(carrier: object): CarrierTransaction {
  const transaction: CarrierTransaction = {
    recorder: new TransactionRecorder(),
    offers: new SettingsOffers(),
  };
  hide(carrier, TRANSACTION, transaction);
  return transaction;
}

/** The transaction open on `carrier`, if any. */
export function transactionOf(carrier: unknown): CarrierTransaction | undefined {
  if (typeof carrier !== 'object' || carrier === null) return undefined;
  const transaction = (carrier as { [TRANSACTION]?: unknown })[TRANSACTION];
  return typeof transaction === 'object' && transaction !== null
    ? (transaction as CarrierTransaction)
    : undefined;
}
