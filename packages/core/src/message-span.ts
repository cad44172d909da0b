import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ContextExtractor, type MessageContext } from './extract';
import type { FanInSpan } from './fan-in-span';

/**
 * How the span of ONE message relates to its producer: `parent+link` makes
 * the producer span its parent and links it; `link-only` keeps the fallback
 * parent and links the producer.
 */
export type MessageContextMode = 'parent+link' | 'link-only';

export interface MessageSpanOptions {
  /** Span name, e.g. `process orders`. */
  name: string;
  /** Span kind; CONSUMER by default. */
  kind?: SpanKind;
  attributes: Attributes;
  /** The message's headers, untrusted. */
  headers: unknown;
  mode: MessageContextMode;
  /** The parent when the producer is not the parent; the active context by default. */
  parentContext?: Context;
  /** Reuse one extractor across the messages of a batch. */
  extractor?: ContextExtractor;
}

/** A started span of one message. */
export interface MessageSpan {
  span: Span;
  /** The parent context with `span` set: run the message's handler in it. */
  context: Context;
  /** What the message's headers said about its producer. */
  producer: MessageContext;
}

/**
 * Starts the span of one message, linked to its producer (when the headers
 * carry a valid context) and, in `parent+link` mode, parented to it.
 * Never throws on bad headers: without a valid context the span starts under
 * the fallback parent with no link.
 */
export function startMessageSpan(tracer: Tracer, options: MessageSpanOptions): MessageSpan {
  const producer = (options.extractor ?? new ContextExtractor()).extract(options.headers);
  const parent =
    producer.status === 'valid' && options.mode === 'parent+link'
      ? producer.context
      : (options.parentContext ?? context.active());
  const span = tracer.startSpan(
    options.name,
    {
      kind: options.kind ?? SpanKind.CONSUMER,
      attributes: options.attributes,
      links: producer.spanContext ? [{ context: producer.spanContext }] : [],
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span), producer };
}

/** How to describe each message's child span of a batch. */
export interface MessageSpanReader<T> {
  /** The message's headers, untrusted. */
  headers(message: T): unknown;
  attributes(message: T): Attributes;
  /** Called with each started span (e.g. a user hook; it must not throw). */
  onStart?(span: Span, message: T): void;
}

/**
 * Adds one child span per message to a started fan-in span, named like it,
 * each linked to its message's producer; they end with the fan-in span.
 */
export function withMessageSpans<T>(
  tracer: Tracer,
  fanIn: FanInSpan,
  name: string,
  messages: Iterable<T>,
  reader: MessageSpanReader<T>,
): FanInSpan {
  const extractor = new ContextExtractor();
  const spans: Span[] = [];
  for (const message of messages) {
    const { span } = startMessageSpan(tracer, {
      name,
      attributes: reader.attributes(message),
      headers: reader.headers(message),
      mode: 'link-only',
      parentContext: fanIn.context,
      extractor,
    });
    reader.onStart?.(span, message);
    spans.push(span);
  }
  return {
    ...fanIn,
    end(endTime) {
      for (const span of spans) span.end(endTime);
      fanIn.end(endTime);
    },
  };
}
