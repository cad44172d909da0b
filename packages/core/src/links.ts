import type { Attributes, Link, SpanContext } from '@opentelemetry/api';
import { ContextExtractor, type ContextStatus, type MessageContext } from './extract';
import { attributesOf, headersOf, type MessageReader } from './message-reader';
import { ATTR_FANIN_LINK_MESSAGE_COUNT } from './semconv';

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
  /** Messages added, with or without a context. */
  messageCount = 0;
  /** Messages whose headers carried no trace context. */
  withoutContext = 0;
  /** Messages whose headers carried a trace context the propagator could not read. */
  invalidContext = 0;
  /** Messages with a valid context left unlinked because `maxContexts` was reached. */
  messagesNotLinked = 0;

  /** @param maxContexts most distinct contexts kept; later new ones are only counted. */
  constructor(private readonly maxContexts = Number.POSITIVE_INFINITY) {}

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
    const existing = this.find(spanContext);
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
    const link: Link = { context: spanContext, attributes };
    if (this.bySpanId.has(spanContext.spanId)) {
      this.sharedSpanIds.set(spanContext.traceId + spanContext.spanId, link);
    } else {
      this.bySpanId.set(spanContext.spanId, link);
    }
    this.ordered.push(link);
  }

  private find({ traceId, spanId }: SpanContext): Link | undefined {
    const link = this.bySpanId.get(spanId);
    if (link === undefined || link.context.traceId === traceId) return link;
    return this.sharedSpanIds.get(traceId + spanId);
  }

  /** Distinct producer contexts seen. */
  get contextCount(): number {
    return this.ordered.length;
  }

  /** The links, in the order their first message was added. */
  links(): Link[] {
    return this.ordered.slice();
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
): LinkSet {
  const extractor = new ContextExtractor();
  const links = new LinkSet();
  const describe = (message: M) => reader.linkAttributes(message);
  for (const message of messages) {
    links.addExtracted(extractor.spanContextOf(headersOf(reader, message)), describe, message);
  }
  return links;
}
