import { type Context, diag, type Span, type TimeInput } from '@opentelemetry/api';

/** A span fanin started and has yet to end, with what must end with it. */
export interface OpenSpan {
  readonly span: Span;
  /** The parent context with `span` active: run the handler in it. */
  readonly context: Context;
  /** Ends what was started with the span (spill spans, per-message spans), then the span. Once. */
  end(endTime?: TimeInput): void;
}

/** Ends a span, never throwing (a span from a foreign tracer may). */
export function endSpan(span: Span, endTime?: TimeInput): void {
  try {
    span.end(endTime);
  } catch (error) {
    diag.debug('fanin: could not end a span', error);
  }
}

/** Ends each span, never throwing. */
export function endAll(spans: readonly Span[], endTime?: TimeInput): void {
  for (const span of spans) endSpan(span, endTime);
}

/** An OpenSpan for `span` and the spans started with it, ended once, children first. */
export function openSpan(span: Span, context: Context, children: readonly Span[] = []): OpenSpan {
  let ended = false;
  return {
    span,
    context,
    end(endTime) {
      if (ended) return;
      ended = true;
      endAll(children, endTime);
      endSpan(span, endTime);
    },
  };
}
