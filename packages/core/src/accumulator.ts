import {
  type Attributes,
  type SpanContext,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ContextExtractor } from './extract';
import { type FanInSpan, startFanInSpan } from './fan-in-span';
import { type LinkLimits, resolveLinkLimits } from './limits';
import { type LinkPolicy, LinkSet } from './links';
import { runInSpan } from './run-in-span';
import { ATTR_FANIN_MESSAGES_NOT_LINKED } from './semconv';

export interface AccumulatorOptions extends LinkPolicy {
  /** Most distinct producer contexts kept per key; later ones are counted, not linked. Default 10,000. */
  maxContextsPerKey?: number;
  /** Most keys held at once; past it the key updated longest ago is evicted (counted). Default 100,000. */
  maxKeys?: number;
  /** A key not updated for this long is released by `expire()`. Default: never. */
  idleTimeoutMs?: number;
  /** Cap and overflow of the aggregate span's links (core's rules; default 128, spill). */
  maxLinksPerSpan?: number;
  overflow?: LinkLimits['overflow'];
  /** Tracer for aggregate spans; default the global `@fanin/core` tracer. */
  tracer?: Tracer;
  /** Clock, for tests. */
  now?: () => number;
}

export interface EmitOptions {
  /** Span name, e.g. `aggregate orders`. */
  name: string;
  attributes?: Attributes;
  /** Default INTERNAL. */
  kind?: SpanKind;
}

/** What the accumulator has dropped or released without an emit, since it was created. */
export interface AccumulatorStats {
  keys: number;
  evictedKeys: number;
  expiredKeys: number;
  discardedKeys: number;
}

interface KeyState {
  links: LinkSet;
  updatedAt: number;
}

export const DEFAULT_MAX_CONTEXTS_PER_KEY = 10_000;
export const DEFAULT_MAX_KEYS = 100_000;

const copyAttributes = (attributes: Attributes): Attributes => ({ ...attributes });

/**
 * Fan-in across batches: collects, per key (a customer, a customer and
 * window, ...), the producer contexts of the messages that feed an aggregate,
 * and when the aggregate is emitted starts ONE span linked to every
 * contributor, de-duplicated, under core's link cap and overflow rules.
 *
 * Memory is bounded: at most `maxKeys` keys (least recently updated evicted
 * first) and `maxContextsPerKey` contexts per key (about 200 bytes each).
 * Emitting, discarding, evicting or expiring a key releases its state.
 */
export class FanInAccumulator<K> {
  private readonly states = new Map<K, KeyState>();
  private readonly extractor: ContextExtractor;
  private readonly limits: LinkLimits;
  private readonly maxContextsPerKey: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private evictedKeys = 0;
  private expiredKeys = 0;
  private discardedKeys = 0;

  constructor(private readonly options: AccumulatorOptions = {}) {
    this.limits = resolveLinkLimits(options);
    this.maxContextsPerKey = positiveOr(options.maxContextsPerKey, DEFAULT_MAX_CONTEXTS_PER_KEY);
    this.maxKeys = positiveOr(options.maxKeys, DEFAULT_MAX_KEYS);
    this.now = options.now ?? Date.now;
    this.extractor = new ContextExtractor({
      withTraceState: options.linkTraceState,
      datadogFallback: options.readDatadogHeaders,
    });
  }

  /** Records a message feeding `key`, its producer context read from its headers (untrusted). */
  add(key: K, headers: unknown, linkAttributes?: Attributes): void {
    const state = this.stateOf(key);
    state.links.addMessage(this.extractor.extract(headers), copyAttributes, linkAttributes ?? {});
  }

  /** Records a message feeding `key` whose context is already known (undefined: none). */
  addContext(key: K, spanContext: SpanContext | undefined, linkAttributes?: Attributes): void {
    this.stateOf(key).links.addContext(spanContext, linkAttributes);
  }

  /**
   * Emits the aggregate of `key`: releases its state, starts ONE span linked
   * to every contributor, runs `produce` in that span's context (so a result
   * message sent there carries it) and ends the span when `produce` settles.
   */
  emit<T>(key: K, options: EmitOptions, produce: (aggregate: FanInSpan) => T): T {
    const links = this.take(key) ?? new LinkSet();
    const fanIn = startFanInSpan(this.options.tracer ?? trace.getTracer('@fanin/core'), {
      name: options.name,
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: {
        ...options.attributes,
        [ATTR_FANIN_MESSAGES_NOT_LINKED]: links.messagesNotLinked,
      },
      links,
      limits: this.limits,
    });
    return runInSpan(fanIn.span, fanIn.context, () => produce(fanIn), fanIn.end);
  }

  /** Messages recorded for `key` so far (0 for an unknown key). */
  messageCount(key: K): number {
    return this.states.get(key)?.links.messageCount ?? 0;
  }

  has(key: K): boolean {
    return this.states.has(key);
  }

  /** The keys held, oldest update first. */
  keys(): K[] {
    return Array.from(this.states.keys());
  }

  /** Releases `key` without emitting. */
  discard(key: K): boolean {
    const released = this.states.delete(key);
    if (released) this.discardedKeys++;
    return released;
  }

  /** Releases every key `predicate` selects (e.g. those of a revoked partition); returns how many. */
  discardWhere(predicate: (key: K) => boolean): number {
    let count = 0;
    for (const key of this.keys()) if (predicate(key) && this.discard(key)) count++;
    return count;
  }

  /** Releases keys idle for longer than `idleTimeoutMs`; returns them. */
  expire(): K[] {
    const timeout = this.options.idleTimeoutMs;
    if (timeout === undefined) return [];
    const cutoff = this.now() - timeout;
    const expired: K[] = [];
    // Map order is update order (stateOf re-inserts), so the idle keys come first.
    for (const [key, state] of this.states) {
      if (state.updatedAt > cutoff) break;
      expired.push(key);
    }
    for (const key of expired) this.states.delete(key);
    this.expiredKeys += expired.length;
    return expired;
  }

  stats(): AccumulatorStats {
    return {
      keys: this.states.size,
      evictedKeys: this.evictedKeys,
      expiredKeys: this.expiredKeys,
      discardedKeys: this.discardedKeys,
    };
  }

  private take(key: K): LinkSet | undefined {
    const state = this.states.get(key);
    this.states.delete(key);
    return state?.links;
  }

  private stateOf(key: K): KeyState {
    let state = this.states.get(key);
    if (state === undefined) {
      if (this.states.size >= this.maxKeys) this.evictOldest();
      state = {
        links: new LinkSet({ ...this.options, maxContexts: this.maxContextsPerKey }),
        updatedAt: 0,
      };
    } else {
      this.states.delete(key);
    }
    state.updatedAt = this.now();
    this.states.set(key, state);
    return state;
  }

  private evictOldest(): void {
    const oldest = this.states.keys().next();
    if (oldest.done) return;
    this.states.delete(oldest.value);
    this.evictedKeys++;
  }
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}
