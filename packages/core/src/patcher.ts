/**
 * Per-instance patching, compatible with the shimmer wrappers every
 * OpenTelemetry instrumentation uses (`__original`, `__unwrap`, `__wrapped`).
 *
 * - Each instance removes only its own wrapper, and only while it is the
 *   outermost one: another instance's wrapper (or its own, deeper in the
 *   chain and passing through while disabled) is never taken away.
 * - A wrapper of another instrumentation found on a function fanin owns is
 *   replaced, and the conflict reported.
 * - Another instrumentation cannot remove fanin's wrapper: its `__unwrap`
 *   does nothing (an instrumentation enabled after fanin calls it before
 *   wrapping, and then wraps fanin's wrapper instead of the original). Right
 *   after patching (in the next turn of the event loop), and again a few
 *   times later, each patched function is checked: a foreign wrapper found
 *   stacked on fanin's is taken off, and the conflict reported. Calls made
 *   in between go through both.
 */

type AnyFunction = (this: unknown, ...args: never[]) => unknown;

interface ShimmerFields {
  __original?: unknown;
  __unwrap?: unknown;
  __wrapped?: unknown;
}

const OWNER = Symbol.for('@fanin/core:wrapper-owner');
/** On a fanin wrapper: whether the instance that installed it is enabled. */
const ACTIVE = Symbol.for('@fanin/core:wrapper-active');
/** How many wrappers deep a chain is followed before giving up. */
const MAX_CHAIN = 32;
/** When wrappers are checked after patching, in milliseconds (0: the next turn of the event loop). */
const VERIFY_AFTER_MS = [0, 1_000, 10_000, 60_000];

type Fields = ShimmerFields & { [OWNER]?: object; [ACTIVE]?: () => boolean };

function fieldsOf(value: unknown): Fields | undefined {
  return typeof value === 'function' ? (value as unknown as Fields) : undefined;
}

/** Whether `value` is a shimmer-style wrapper (of anyone). */
export function isShimmerWrapper(value: unknown): boolean {
  const fields = fieldsOf(value);
  return (
    fields !== undefined &&
    fields.__wrapped === true &&
    typeof fields.__original === 'function' &&
    typeof fields.__unwrap === 'function'
  );
}

/** Whether `value` is a wrapper some fanin instance installed. */
export function isFaninWrapper(value: unknown): boolean {
  return fieldsOf(value)?.[OWNER] !== undefined;
}

/** Whether `value` is another instrumentation's shimmer wrapper. */
function isForeignWrapper(value: unknown): boolean {
  return isShimmerWrapper(value) && !isFaninWrapper(value);
}

function setHidden(target: object, name: PropertyKey, value: unknown): void {
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: false,
    writable: true,
    value,
  });
}

function setProperty(target: object, name: string, value: unknown): void {
  const enumerable =
    Object.hasOwn(target, name) && Object.prototype.propertyIsEnumerable.call(target, name);
  Object.defineProperty(target, name, { configurable: true, enumerable, writable: true, value });
}

interface Installed {
  target: Record<string, unknown>;
  name: string;
  what: string;
  makeWrapper: (original: AnyFunction) => AnyFunction;
}

/** What happened that the instrumentation must report. */
export type PatchConflict =
  /** fanin found another instrumentation's wrapper on a function it patches, and took it off. */
  | 'replaced'
  /** fanin's wrapper was gone (assigned over); fanin put its own back. */
  | 'restored'
  /** another instrumentation wraps a function of the same library that fanin only watches. */
  | 'present';

export interface PatcherOptions {
  /** Whether the owning instrumentation is enabled (wrappers are only re-installed then). */
  isEnabled(): boolean;
  onConflict(conflict: PatchConflict, what: string): void;
}

export class Patcher {
  private readonly installed = new Map<string, Installed>();
  private readonly watched = new Map<
    string,
    { target: Record<string, unknown>; name: string; what: string }
  >();
  private readonly owner = {};
  private verifications: NodeJS.Timeout[] = [];
  private readonly targetIds = new WeakMap<object, number>();
  private nextTargetId = 0;

  constructor(private readonly options: PatcherOptions) {}

  /**
   * Wraps `target[name]` with `makeWrapper(original)`, unless this instance's
   * wrapper is already in its chain. `what` names the function in reports,
   * e.g. `kafkajs Kafka.prototype.consumer`.
   */
  wrap(
    target: object,
    name: string,
    what: string,
    makeWrapper: (original: AnyFunction) => AnyFunction,
  ): void {
    const record = target as Record<string, unknown>;
    this.installed.set(this.keyOf(target, name), { target: record, name, what, makeWrapper });
    this.install(record, name, what, makeWrapper, 'replaced');
    this.scheduleVerification();
  }

  /**
   * Removes this instance's wrapper of `target[name]` when it is the
   * outermost one, and below it the wrappers of fanin instances that are
   * disabled too; otherwise leaves it in the chain, where it passes calls
   * through while the instance is disabled, until the wrapper above it goes.
   */
  unwrap(target: object, name: string): void {
    const record = target as Record<string, unknown>;
    this.installed.delete(this.keyOf(target, name));
    if (fieldsOf(record[name])?.[OWNER] !== this.owner) return;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const current = fieldsOf(record[name]);
      const disabled = current?.[OWNER] === this.owner || current?.[ACTIVE]?.() === false;
      if (current === undefined || !disabled) return;
      setProperty(record, name, current.__original);
    }
  }

  /**
   * Watches a function fanin does not patch but another instrumentation of
   * the library would (e.g. amqplib's `connect`): its wrapper there means
   * that instrumentation is enabled beside fanin; the checks report it.
   */
  watch(target: object, name: string, what: string): void {
    this.watched.set(this.keyOf(target, name), {
      target: target as Record<string, unknown>,
      name,
      what,
    });
    this.scheduleVerification();
  }

  /** Whether this instance's wrapper is anywhere in the chain of `value`. */
  owns(value: unknown): boolean {
    let fields = fieldsOf(value);
    for (let depth = 0; fields !== undefined && depth < MAX_CHAIN; depth++) {
      if (fields[OWNER] === this.owner) return true;
      fields = fieldsOf(fields.__original);
    }
    return false;
  }

  /**
   * Takes another instrumentation's wrappers off the functions fanin patches
   * (stacked on fanin's), puts fanin's back where it is gone, and reports a
   * watched function another instrumentation wraps.
   */
  verify(): void {
    if (!this.options.isEnabled()) return;
    for (const { target, name, what, makeWrapper } of this.installed.values()) {
      const current = target[name];
      if (!this.owns(current)) this.install(target, name, what, makeWrapper, 'restored');
      else if (isForeignWrapper(current)) this.takeOffForeign(target, name, what);
    }
    for (const { target, name, what } of this.watched.values()) {
      if (isForeignWrapper(target[name])) this.options.onConflict('present', what);
    }
  }

  /** Removes the foreign wrappers above the first fanin wrapper of `target[name]`. */
  private takeOffForeign(target: Record<string, unknown>, name: string, what: string): void {
    let current: unknown = target[name];
    for (let depth = 0; depth < MAX_CHAIN && isForeignWrapper(current); depth++) {
      current = (current as ShimmerFields).__original;
    }
    if (!isFaninWrapper(current)) return;
    setProperty(target, name, current);
    this.options.onConflict('replaced', what);
  }

  /** Stops the scheduled checks (on disable). */
  stopVerifying(): void {
    for (const timer of this.verifications) clearTimeout(timer);
    this.verifications = [];
  }

  private install(
    target: Record<string, unknown>,
    name: string,
    what: string,
    makeWrapper: (original: AnyFunction) => AnyFunction,
    conflict: PatchConflict,
  ): void {
    const current = target[name];
    if (typeof current !== 'function' || this.owns(current)) return;
    let original = current as AnyFunction;
    if (isForeignWrapper(current)) {
      // Another instrumentation's wrapper: fanin records what it recorded.
      original = (current as unknown as ShimmerFields).__original as AnyFunction;
      this.options.onConflict('replaced', what);
    } else if (conflict === 'restored') {
      this.options.onConflict(conflict, what);
    }
    const wrapper = makeWrapper(original);
    setHidden(wrapper, '__original', original);
    setHidden(wrapper, '__wrapped', true);
    // For shimmer's isWrapped; called by another instrumentation, it leaves
    // fanin's wrapper in place (see the file comment). fanin unwraps itself
    // through `unwrap`.
    setHidden(wrapper, '__unwrap', () => {});
    setHidden(wrapper, OWNER, this.owner);
    setHidden(wrapper, ACTIVE, () => this.options.isEnabled());
    setProperty(target, name, wrapper);
  }

  private scheduleVerification(): void {
    if (this.verifications.length > 0) return;
    this.verifications = VERIFY_AFTER_MS.map((delay) => {
      const timer = setTimeout(() => {
        this.verifications = this.verifications.filter((pending) => pending !== timer);
        this.verify();
      }, delay);
      timer.unref();
      return timer;
    });
  }

  private keyOf(target: object, name: string): string {
    let id = this.targetIds.get(target);
    if (id === undefined) {
      id = this.nextTargetId++;
      this.targetIds.set(target, id);
    }
    return `${id}:${name}`;
  }
}
