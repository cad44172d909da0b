import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { extractDatadogSpanContext } from './datadog-propagator';
import { hasHeader, headerGetter, readHeader } from './headers';
import { isHexId, parseTraceparent, parseTraceparentBytes } from './traceparent';

/** What a message's headers said about the context that produced it. */
export type ContextStatus = 'valid' | 'missing' | 'invalid';

export interface MessageContext {
  status: ContextStatus;
  /** The producer's span context, when `status` is `valid`. */
  spanContext: SpanContext | undefined;
  /** Everything the propagator extracted (span context, baggage), to parent on. */
  context: Context;
}

const NO_CONTEXT: MessageContext = Object.freeze({
  status: 'missing',
  spanContext: undefined,
  context: ROOT_CONTEXT,
}) as MessageContext;

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const BAGGAGE = 'baggage';

function constructorName(value: unknown): string | undefined {
  const name = (value as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' ? name : undefined;
}

/** An instance of the named class that uses the class's own `extract`. */
function isPlain(propagator: unknown, className: string): boolean {
  return (
    typeof propagator === 'object' &&
    propagator !== null &&
    constructorName(propagator) === className &&
    !Object.hasOwn(propagator, 'extract')
  );
}

/**
 * Whether the application's propagator is known to be @opentelemetry/core's
 * W3C trace-context propagator, alone or in a composite with only W3C
 * baggage: then a link's span context may be read from `traceparent`
 * directly. Any other propagator (B3, Jaeger, Datadog, a custom one, a
 * composite with one of them) takes the general path.
 */
export function globalPropagatorIsW3C(): boolean {
  try {
    const global = (
      propagation as unknown as { _getGlobalPropagator?: () => unknown }
    )._getGlobalPropagator?.();
    if (isPlain(global, 'W3CTraceContextPropagator')) return true;
    if (!isPlain(global, 'CompositePropagator')) return false;
    const members = (global as { _propagators?: unknown })._propagators;
    return (
      Array.isArray(members) &&
      members.some((member) => isPlain(member, 'W3CTraceContextPropagator')) &&
      members.every(
        (member) =>
          isPlain(member, 'W3CTraceContextPropagator') || isPlain(member, 'W3CBaggagePropagator'),
      )
    );
  } catch {
    return false;
  }
}

export interface ExtractorOptions {
  getter?: TextMapGetter<unknown>;
  /**
   * Whether the span contexts handed out must carry the producer's
   * `tracestate`; when not, and the propagator is W3C's, `spanContextOf`
   * reads `traceparent` directly.
   */
  withTraceState?: boolean;
  /**
   * When the application's propagator finds no context, read Datadog's
   * `x-datadog-*` headers (what dd-trace writes with
   * DD_TRACE_PROPAGATION_STYLE=datadog). Default true.
   */
  datadogFallback?: boolean;
}

/**
 * Extracts message contexts through the global propagator, so that whatever
 * propagator the application configured (W3C, B3, Jaeger, Datadog) decides
 * what a context is. Create one per batch: it remembers the propagator's
 * header names for telling a missing context from a malformed one, and
 * whether the propagator is W3C's.
 */
export class ContextExtractor {
  private fields: readonly string[] | undefined;
  private readonly getter: TextMapGetter<unknown>;
  /** The getter is fanin's and the propagator W3C's: `traceparent` may be read directly. */
  private readonly w3c: boolean;
  /** ...and the span contexts handed out need no tracestate. */
  private readonly direct: boolean;
  private readonly datadogFallback: boolean;

  constructor(options: ExtractorOptions = {}) {
    this.getter = options.getter ?? headerGetter;
    this.datadogFallback = options.datadogFallback !== false;
    this.w3c = this.getter === headerGetter && globalPropagatorIsW3C();
    this.direct = this.w3c && options.withTraceState !== true;
  }

  extract(headers: unknown): MessageContext {
    if (typeof headers !== 'object' || headers === null) return NO_CONTEXT;
    if (this.w3c && !hasHeader(headers, TRACESTATE) && !hasHeader(headers, BAGGAGE)) {
      // With neither a tracestate nor a baggage header, W3C's propagators
      // extract exactly the traceparent's span context, and nothing else.
      const found = this.fromTraceparent(headers);
      if (typeof found !== 'object') {
        return { status: found, spanContext: undefined, context: ROOT_CONTEXT };
      }
      return {
        status: 'valid',
        spanContext: found,
        context: trace.setSpanContext(ROOT_CONTEXT, found),
      };
    }
    let context: Context;
    try {
      context = propagation.extract(ROOT_CONTEXT, headers, this.getter);
    } catch {
      return { status: 'invalid', spanContext: undefined, context: ROOT_CONTEXT };
    }
    const spanContext = trace.getSpanContext(context);
    if (spanContext !== undefined && isUsable(spanContext)) {
      return { status: 'valid', spanContext, context };
    }
    const fromDatadog = this.fromDatadogHeaders(headers);
    if (fromDatadog !== undefined) {
      return {
        status: 'valid',
        spanContext: fromDatadog,
        context: trace.setSpanContext(context, fromDatadog),
      };
    }
    return { status: this.statusWithout(headers), spanContext: undefined, context };
  }

  /**
   * The producer's span context, or why there is none: `extract` for the
   * batch hot path, allocating nothing of its own per message.
   */
  spanContextOf(headers: unknown): SpanContext | 'missing' | 'invalid' {
    if (typeof headers !== 'object' || headers === null) return 'missing';
    if (this.direct) return this.fromTraceparent(headers);
    let spanContext: SpanContext | undefined;
    try {
      spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, this.getter));
    } catch {
      return 'invalid';
    }
    if (spanContext !== undefined && isUsable(spanContext)) return spanContext;
    return this.fromDatadogHeaders(headers) ?? this.statusWithout(headers);
  }

  /** What W3C's propagator would make of `headers`, less the tracestate. */
  private fromTraceparent(headers: object): SpanContext | 'missing' | 'invalid' {
    const fromBytes = parseTraceparentBytesOf(headers);
    if (fromBytes !== undefined) return fromBytes;
    const header = readHeader(headers, TRACEPARENT);
    const value = Array.isArray(header) ? header[0] : header;
    const spanContext = typeof value === 'string' ? parseTraceparent(value) : undefined;
    return spanContext ?? this.fromDatadogHeaders(headers) ?? this.statusWithout(headers);
  }

  /** The context in Datadog's headers, when the fallback is on and they carry one. */
  private fromDatadogHeaders(headers: object): SpanContext | undefined {
    if (!this.datadogFallback) return undefined;
    try {
      return extractDatadogSpanContext(headers, this.getter);
    } catch {
      return undefined;
    }
  }

  private statusWithout(headers: object): 'missing' | 'invalid' {
    return this.carriesPropagationHeader(headers) ? 'invalid' : 'missing';
  }

  private carriesPropagationHeader(headers: object): boolean {
    if (this.fields === undefined) {
      try {
        this.fields = propagation.fields();
      } catch {
        this.fields = [];
      }
    }
    // Presence, not readability: an oversized or binary-garbage header is a malformed context.
    for (const field of this.fields) {
      if (hasHeader(headers, field)) return true;
    }
    return false;
  }
}

/** The context of an own `traceparent` header that is a well-formed 55-byte value, read from its bytes. */
function parseTraceparentBytesOf(headers: object): SpanContext | undefined {
  try {
    if (!Object.hasOwn(headers, TRACEPARENT)) return undefined;
    const value = (headers as Record<string, unknown>)[TRACEPARENT];
    return value instanceof Uint8Array ? parseTraceparentBytes(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The propagator decides what a context is; this turns away the API's "no
 * context" sentinels and ids that are not hex of the right length, which
 * a propagator may hand back unchecked (Jaeger's does).
 */
function isUsable({ traceId, spanId }: SpanContext): boolean {
  return isHexId(traceId, 32) && isHexId(spanId, 16);
}

function currentGlobalPropagator(): unknown {
  return (
    propagation as unknown as { _getGlobalPropagator?: () => unknown }
  )._getGlobalPropagator?.();
}

const shared = new WeakMap<object, { propagator: unknown; extractor: ContextExtractor }>();

/**
 * One extractor per `owner` (an instrumentation's settings) for flows that
 * handle one message at a time, made again when the application's propagator
 * changes: what a batch does once per batch, without doing it per message.
 */
export function sharedExtractor(owner: object, options: ExtractorOptions): ContextExtractor {
  const propagator = currentGlobalPropagator();
  const known = shared.get(owner);
  if (known !== undefined && known.propagator === propagator) return known.extractor;
  const extractor = new ContextExtractor(options);
  shared.set(owner, { propagator, extractor });
  return extractor;
}
