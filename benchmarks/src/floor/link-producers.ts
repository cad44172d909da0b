import type { Attributes, Span } from '@opentelemetry/api';
import { headerText, parseTraceparent, producerKey } from './parse-traceparent';

/** How the floor reads a message: its `traceparent` header, and what its link carries. */
export interface FloorMessageReader<M> {
  traceparent(message: M): unknown;
  /** The link's attributes, or undefined for a bare link. */
  linkAttributes(message: M): Attributes | undefined;
}

/**
 * Links `span` once to every distinct producer of `messages` (the W3C
 * `traceparent` header parsed by hand, de-duplicated by trace and span id),
 * with the attributes of the producer's first message.
 */
export function linkProducers<M>(
  span: Span,
  messages: Iterable<M>,
  reader: FloorMessageReader<M>,
): void {
  const seen = new Set<string>();
  for (const message of messages) {
    const text = headerText(reader.traceparent(message));
    if (text === undefined) continue;
    const producer = parseTraceparent(text);
    if (producer === undefined) continue;
    const key = producerKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    const attributes = reader.linkAttributes(message);
    span.addLink(
      attributes === undefined ? { context: producer } : { context: producer, attributes },
    );
  }
}
