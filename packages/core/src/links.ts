import type { Attributes, Link, SpanContext } from '@opentelemetry/api';
import { ContextExtractor, type MessageContext } from './extract';
import { ATTR_FANIN_LINK_MESSAGE_COUNT } from './semconv';

/**
 * The links of one fan-in span: one per distinct producer span context. The
 * first message of a producer context gives its link the per-message
 * attributes (offset, delivery tag, ...); later messages of the same context
 * only raise the link's `fanin.link.message_count`.
 */
export class LinkSet {
  private readonly linksByContext = new Map<string, Link>();
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
    this.messageCount++;
    if (message.status === 'valid' && message.spanContext !== undefined) {
      this.link(message.spanContext, describe, item);
    } else if (message.status === 'invalid') {
      this.invalidContext++;
    } else {
      this.withoutContext++;
    }
  }

  /** Counts one message whose producer context is already known (undefined: it has none). */
  addContext(spanContext: SpanContext | undefined, attributes: Attributes = {}): void {
    this.messageCount++;
    if (spanContext === undefined) this.withoutContext++;
    else this.link(spanContext, copyAttributes, attributes);
  }

  private link<T>(spanContext: SpanContext, describe: (item: T) => Attributes, item: T): void {
    const key = spanContext.traceId + spanContext.spanId;
    const existing = this.linksByContext.get(key);
    if (existing?.attributes !== undefined) {
      const count = existing.attributes[ATTR_FANIN_LINK_MESSAGE_COUNT] as number;
      existing.attributes[ATTR_FANIN_LINK_MESSAGE_COUNT] = count + 1;
      return;
    }
    if (this.linksByContext.size >= this.maxContexts) {
      this.messagesNotLinked++;
      return;
    }
    const attributes = safeDescribe(describe, item);
    attributes[ATTR_FANIN_LINK_MESSAGE_COUNT] = 1;
    this.linksByContext.set(key, { context: spanContext, attributes });
  }

  /** Distinct producer contexts seen. */
  get contextCount(): number {
    return this.linksByContext.size;
  }

  /** The links, in the order their first message was added. */
  links(): Link[] {
    return Array.from(this.linksByContext.values());
  }
}

const copyAttributes = (attributes: Attributes): Attributes => ({ ...attributes });

/** `describe` returns a fresh object, which the link then owns (it adds its message count). */
function safeDescribe<T>(describe: (item: T) => Attributes, item: T): Attributes {
  try {
    return describe(item) ?? {};
  } catch {
    return {};
  }
}

/** How to read a batch's messages. */
export interface MessageReader<T> {
  /** The message's headers (Kafka headers, AMQP header table), untrusted. */
  headers(message: T): unknown;
  /**
   * The attributes of the link to this message's producer (offset, partition,
   * id, ...): a new object each call, which the link takes over.
   */
  linkAttributes(message: T): Attributes;
}

/**
 * Extracts the producer context of every message through the global
 * propagator and collects the batch's links. Never throws on bad headers.
 */
export function collectLinks<T>(messages: Iterable<T>, reader: MessageReader<T>): LinkSet {
  const extractor = new ContextExtractor();
  const links = new LinkSet();
  const describe = (message: T) => reader.linkAttributes(message);
  for (const message of messages) {
    let headers: unknown;
    try {
      headers = reader.headers(message);
    } catch {
      headers = undefined;
    }
    links.addMessage(extractor.extract(headers), describe, message);
  }
  return links;
}
