import type { Attributes } from '@opentelemetry/api';

/**
 * How core reads one library's consumed messages: the only thing an adapter
 * says about a message. Each method is called inside a guard: one that throws
 * costs that message its attributes or its context, never the flow.
 */
export interface MessageReader<M> {
  /** The message's headers (Kafka headers, an AMQP header table): untrusted. */
  headers(message: M): unknown;
  /**
   * The per-message facts on the link to its producer (offset, partition, id,
   * delivery tag): a new object each call, which the link takes over.
   */
  linkAttributes(message: M): Attributes;
  /**
   * The library-specific attributes of the message's own span (a per-message
   * span of a batch, a single-message handler's span): a new object each
   * call, which core completes with the operation, the system and the
   * destination, and gives the span.
   */
  spanAttributes(message: M): Attributes;
}

/** `reader.headers(message)`, or undefined when the reader throws. */
export function headersOf<M>(reader: Pick<MessageReader<M>, 'headers'>, message: M): unknown {
  try {
    return reader.headers(message);
  } catch {
    return undefined;
  }
}

/** Calls an attribute reader; one that throws or returns nothing gives a fresh empty object. */
export function attributesOf<M>(read: (message: M) => Attributes, message: M): Attributes {
  try {
    const attributes = read(message);
    return typeof attributes === 'object' && attributes !== null ? attributes : {};
  } catch {
    return {};
  }
}
