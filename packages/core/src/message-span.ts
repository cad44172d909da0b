import {
  type Attributes,
  type Context,
  context,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ContextExtractor, type MessageContext } from './extract';
import type { FanInSpan } from './fan-in-span';
import { samplerNeedsLinks } from './link-aware-sampler';
import { attributesOf, headersOf, type MessageReader } from './message-reader';
import { endAll, type OpenSpan, openSpan } from './open-span';

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
  /** Keep the producer's tracestate on the link (it stays on the parent context either way). */
  linkTraceState?: boolean;
}

/** A started span of one message. */
export interface MessageSpan extends OpenSpan {
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
  const link =
    producer.spanContext === undefined
      ? undefined
      : { context: linkedContext(producer.spanContext, options.linkTraceState === true) };
  // The link is added once the span records (the SDK then checks it once, not
  // twice), unless a sampler decides on links.
  const linkAtStart = link !== undefined && samplerNeedsLinks();
  const spanOptions: SpanOptions = {
    kind: options.kind ?? SpanKind.CONSUMER,
    attributes: options.attributes,
  };
  if (linkAtStart) spanOptions.links = [link];
  const span = tracer.startSpan(options.name, spanOptions, parent);
  if (link !== undefined && !linkAtStart && span.isRecording()) span.addLink(link);
  const started = openSpan(span, trace.setSpan(parent, span)) as MessageSpan;
  started.producer = producer;
  return started;
}

function linkedContext(spanContext: SpanContext, keepTraceState: boolean): SpanContext {
  if (keepTraceState || spanContext.traceState === undefined) return spanContext;
  const { traceId, spanId, traceFlags, isRemote } = spanContext;
  return { traceId, spanId, traceFlags, isRemote };
}

/** What `withMessageSpans` needs: how to read a message, and a guarded hook per span. */
export interface MessageSpansOptions<M> {
  name: string;
  /** The attributes every message span carries (operation, destination). */
  attributes: Attributes;
  reader: Pick<MessageReader<M>, 'headers' | 'spanAttributes'>;
  /** Called with each started span; must not throw (pass a guarded hook). */
  onStart?(span: Span, message: M): void;
  extractor?: ContextExtractor;
  linkTraceState?: boolean;
}

/**
 * Adds one child span per message to a started fan-in span, named like it,
 * each linked to its message's producer; they end with the fan-in span. A
 * reader that throws for a message costs that span its attributes, not the
 * batch; should anything else fail, every span started here is ended before
 * the error goes on.
 */
export function withMessageSpans<M>(
  tracer: Tracer,
  fanIn: FanInSpan,
  messages: Iterable<M>,
  options: MessageSpansOptions<M>,
): FanInSpan {
  const extractor = options.extractor ?? new ContextExtractor();
  const spans: Span[] = [];
  try {
    for (const message of messages) {
      const { span } = startMessageSpan(tracer, {
        name: options.name,
        attributes: Object.assign(
          attributesOf((m: M) => options.reader.spanAttributes(m), message),
          options.attributes,
        ),
        headers: headersOf(options.reader, message),
        mode: 'link-only',
        parentContext: fanIn.context,
        extractor,
        linkTraceState: options.linkTraceState,
      });
      spans.push(span);
      options.onStart?.(span, message);
    }
  } catch (error) {
    endAll(spans);
    throw error;
  }
  const end = fanIn.end;
  let ended = false;
  return {
    ...fanIn,
    end(endTime) {
      if (ended) return;
      ended = true;
      endAll(spans, endTime);
      end(endTime);
    },
  };
}
