import { type Attributes, type Link, type SpanContext, TraceFlags } from '@opentelemetry/api';
import { ContextExtractor, type ContextStatus, type MessageContext } from './extract';
import { attributesOf, headersOf, type MessageReader } from './message-reader';
import { ATTR_FANIN_LINK_MESSAGE_COUNT } from './semconv';

/** Which producer contexts become links, and what a link keeps of them. */
export interface LinkPolicy {
  /**
   * Link producers whose context says "not sampled" too. Off by default: such
   * a producer span was never recorded, so the link would point at a trace
   * that does not exist in the backend; they are counted instead.
   */
  linkUnsampledProducers?: boolean;
  /**
   * Keep the producer's `tracestate` on its link. Off by default: backends do
   * not use it to follow a link, and under Datadog's tracer it costs up to
   * 700 of the 25,000 characters all of a span's links share.
   */
  linkTraceState?: boolean;
  /**
   * When the application's propagator finds no context in a message, read
   * Datadog's `x-datadog-*` headers. Default true.
   */
  readDatadogHeaders?: boolean;
}

export interface LinkSetOptions extends LinkPolicy {
  /** Most distinct contexts kept; later new ones are only counted (`messagesNotLinked`). */
  maxContexts?: number;
}

/**
 * The links of one fan-in span: one per distinct producer span context. The
 * first message of a producer context gives its link the per-message
 * attributes (offset, delivery tag, ...); later messages of the same context
 * only raise the link's `fanin.link.message_count`.
 */
export class LinkSet {
  /** Links by producer span id; span ids are random 64-bit, so traces rarely share one. */
  private readonly bySpanId = new Map<string, Link>();
  /** Links whose span id an earlier link of another trace already holds, by trace and span id. */
  private readonly sharedSpanIds = new Map<string, Link>();
  private readonly ordered: Link[] = [];
  private readonly maxContexts: number;
  private readonly linkUnsampled: boolean;
  private readonly keepTraceState: boolean;
  /** Messages added, with or without a context. */
  messageCount = 0;
  /** Messages whose headers carried no trace context. */
  withoutContext = 0;
  /** Messages whose headers carried a trace context the propagator could not read. */
  invalidContext = 0;
  /** Messages whose producer context says it was not sampled (not linked, by default). */
  unsampledContext = 0;
  /** Messages with a valid context left unlinked because `maxContexts` was reached. */
  messagesNotLinked = 0;

  constructor(options: LinkSetOptions = {}) {
    this.maxContexts = options.maxContexts ?? Number.POSITIVE_INFINITY;
    this.linkUnsampled = options.linkUnsampledProducers === true;
    this.keepTraceState = options.linkTraceState === true;
  }

  /** Counts one message and links its producer context, if it has a valid one. */
  addMessage<T>(message: MessageContext, describe: (item: T) => Attributes, item: T): void {
    this.addExtracted(message.spanContext ?? message.status, describe, item);
  }

  /** `addMessage` for `ContextExtractor.spanContextOf`'s answer. */
  addExtracted<T>(
    extracted: SpanContext | ContextStatus,
    describe: (item: T) => Attributes,
    item: T,
  ): void {
    this.messageCount++;
    if (typeof extracted === 'object') this.link(extracted, describe, item);
    else if (extracted === 'invalid') this.invalidContext++;
    else this.withoutContext++;
  }

  /** Counts one message whose producer context is already known (undefined: it has none). */
  addContext(spanContext: SpanContext | undefined, attributes: Attributes = {}): void {
    this.messageCount++;
    if (spanContext === undefined) this.withoutContext++;
    else this.link(spanContext, copyAttributes, attributes);
  }

  private link<T>(spanContext: SpanContext, describe: (item: T) => Attributes, item: T): void {
    if (!this.linkUnsampled && (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) {
      this.unsampledContext++;
      return;
    }
    const { traceId, spanId } = spanContext;
    const bySpanId = this.bySpanId.get(spanId);
    const existing =
      bySpanId === undefined || bySpanId.context.traceId === traceId
        ? bySpanId
        : this.sharedSpanIds.get(traceId + spanId);
    if (existing?.attributes !== undefined) {
      const count = existing.attributes[ATTR_FANIN_LINK_MESSAGE_COUNT] as number;
      existing.attributes[ATTR_FANIN_LINK_MESSAGE_COUNT] = count + 1;
      return;
    }
    if (this.ordered.length >= this.maxContexts) {
      this.messagesNotLinked++;
      return;
    }
    const attributes = attributesOf(describe, item);
    attributes[ATTR_FANIN_LINK_MESSAGE_COUNT] = 1;
    const link: Link = { context: this.linkedContext(spanContext), attributes };
    if (bySpanId === undefined) this.bySpanId.set(spanId, link);
    else this.sharedSpanIds.set(traceId + spanId, link);
    this.ordered.push(link);
  }

  private linkedContext(spanContext: SpanContext): SpanContext {
    if (this.keepTraceState || spanContext.traceState === undefined) return spanContext;
    const { traceId, spanId, traceFlags, isRemote } = spanContext;
    return { traceId, spanId, traceFlags, isRemote };
  }

  /** Distinct producer contexts seen. */
  get contextCount(): number {
    return this.ordered.length;
  }

  /** The links, in the order their first message was added (the set's own array: do not change it). */
  links(): readonly Link[] {
    return this.ordered;
  }
}

const copyAttributes = (attributes: Attributes): Attributes => ({ ...attributes });

/**
 * Extracts the producer context of every message through the global
 * propagator and collects the batch's links. Never throws on bad headers or
 * on a reader that throws.
 */
export function collectLinks<M>(
  messages: Iterable<M>,
  reader: Pick<MessageReader<M>, 'headers' | 'linkAttributes'>,
  policy: LinkPolicy = {},
): LinkSet {
  const extractor = new ContextExtractor({
    withTraceState: policy.linkTraceState,
    datadogFallback: policy.readDatadogHeaders,
  });
  const links = new LinkSet(policy);
  const describe = (message: M) => reader.linkAttributes(message);
  for (const message of messages) {
    links.addExtracted(extractor.spanContextOf(headersOf(reader, message)), describe, message);
  }
  return links;
}
