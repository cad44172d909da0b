// What a header set becomes after a trip through the broker and the
// library's decoder, for the keys the library decodes faithfully: the
// suite's "delivered unmodified" check compares a message with this.
import { isDeepStrictEqual } from 'node:util';

/** Text as UTF-8 keeps it (a lone surrogate becomes U+FFFD). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

/**
 * kafkajs folds headers into an object with `obj[key] === undefined`, so a
 * key that names something on Object.prototype (`constructor`, `toString`,
 * `__proto__`) arrives folded with that inherited value: kafkajs's doing,
 * checked only at the seam (what kafkajs delivered == what the handler got).
 */
const kafkaFaithful = (key: string) => !(key in Object.prototype);

function kafkaValue(value: unknown): unknown {
  const values = (Array.isArray(value) ? value : [value]).map((v) =>
    Buffer.isBuffer(v) ? v : Buffer.from(String(v)),
  );
  return values.length === 1 ? values[0] : values;
}

/** The keys of `received` that were sent, decoded the way they were sent; undefined when equal. */
export function kafkaDifference(
  sent: Record<string, unknown>,
  received: unknown,
): string | undefined {
  const expected: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sent)) {
    if (Array.isArray(value) && value.length === 0) continue;
    if (kafkaFaithful(utf8(key))) expected[utf8(key)] = kafkaValue(value);
  }
  const actual: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((received ?? {}) as object)) {
    if (kafkaFaithful(key)) actual[key] = value;
  }
  return isDeepStrictEqual(actual, expected) ? undefined : 'headers differ from what was sent';
}

/** amqplib assigns `fields[key] = value`: a `__proto__` key sets the decoded table's prototype. */
function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return false;
  if (Array.isArray(value)) return value.some(hasProtoKey);
  return Object.keys(value).some(
    (key) => key === '__proto__' || hasProtoKey((value as Record<string, unknown>)[key]),
  );
}

function amqpValue(value: unknown): unknown {
  if (typeof value === 'string') return utf8(value);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(amqpValue);
  const table: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) table[utf8(key)] = amqpValue(field);
  }
  return table;
}

/** Whether the sent table can be compared after the trip (no `__proto__` key at any depth). */
export function amqpComparable(sent: Record<string, unknown>): boolean {
  return !hasProtoKey(sent);
}

export function amqpDifference(
  sent: Record<string, unknown>,
  received: unknown,
): string | undefined {
  return isDeepStrictEqual(received ?? {}, amqpValue(sent))
    ? undefined
    : 'headers differ from what was sent';
}
