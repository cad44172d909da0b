import {
  type Context,
  INVALID_SPANID,
  INVALID_TRACEID,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { hasHeader, headerGetter } from './headers';

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

/**
 * Extracts message contexts through the global propagator, so that whatever
 * propagator the application configured (W3C, B3, Jaeger, Datadog) decides
 * what a context is. Create one per batch: it remembers the propagator's
 * header names for telling a missing context from a malformed one.
 */
export class ContextExtractor {
  private fields: readonly string[] | undefined;

  constructor(private readonly getter: TextMapGetter<unknown> = headerGetter) {}

  extract(headers: unknown): MessageContext {
    if (typeof headers !== 'object' || headers === null) return NO_CONTEXT;
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
    return { status: this.statusWithout(headers), spanContext: undefined, context };
  }

  /**
   * The producer's span context, or why there is none: `extract` for the
   * batch hot path, allocating nothing of its own per message.
   */
  spanContextOf(headers: unknown): SpanContext | 'missing' | 'invalid' {
    if (typeof headers !== 'object' || headers === null) return 'missing';
    let spanContext: SpanContext | undefined;
    try {
      spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, this.getter));
    } catch {
      return 'invalid';
    }
    if (spanContext !== undefined && isUsable(spanContext)) return spanContext;
    return this.statusWithout(headers);
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

/**
 * The propagator decides what a context is; this only turns away the API's
 * "no context" sentinels and ids of the wrong length (a regular expression per
 * id would cost as much as the rest of the extraction).
 */
function isUsable({ traceId, spanId }: SpanContext): boolean {
  return (
    traceId.length === 32 &&
    spanId.length === 16 &&
    traceId !== INVALID_TRACEID &&
    spanId !== INVALID_SPANID
  );
}
