import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/**
 * Message headers as client libraries hand them over: Kafka clients give
 * `string | Buffer | (string | Buffer)[]` values, amqplib gives AMQP field
 * tables (strings, numbers, booleans, Buffers, nested tables, arrays).
 * Headers come from other processes, so every value is treated as untrusted.
 */
export type MessageHeaders = Readonly<Record<string, unknown>>;

/** Limits that keep reading a hostile header cheap. */
export interface HeaderLimits {
  /** Longest header value read, in bytes or characters; longer values are ignored. */
  maxValueLength: number;
  /** Most elements read from an array-valued header. */
  maxArrayLength: number;
  /** Most header keys looked at: offered to a propagator that enumerates keys, or scanned for a key in another case. */
  maxKeys: number;
}

export const DEFAULT_HEADER_LIMITS: Readonly<HeaderLimits> = Object.freeze({
  // W3C tracestate is at most 512 characters and baggage at most 8192 bytes.
  maxValueLength: 8192,
  maxArrayLength: 8,
  maxKeys: 64,
});

const hasOwn = Object.prototype.hasOwnProperty;

function isObjectCarrier(carrier: unknown): carrier is Record<string, unknown> {
  return typeof carrier === 'object' && carrier !== null;
}

/** One header value as text, or undefined when it is absent, oversized or not text-like. */
export function headerValueToString(value: unknown, limits: HeaderLimits): string | undefined {
  if (typeof value === 'string') {
    return value.length <= limits.maxValueLength ? value : undefined;
  }
  if (value instanceof Uint8Array) {
    if (value.length > limits.maxValueLength) return undefined;
    return Buffer.isBuffer(value)
      ? value.toString('utf8')
      : Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8');
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return undefined;
}

/**
 * The own key of `headers` that equals `key` but for case, among the first
 * `limits.maxKeys` keys, or undefined. Propagators ask for lower-case names,
 * while Kafka and AMQP header keys are case-sensitive and some producers (the
 * Java B3 propagator: `X-B3-TraceId`) capitalise them.
 */
export function findKeyIgnoringCase(
  headers: Record<string, unknown>,
  key: string,
  limits: HeaderLimits,
): string | undefined {
  const lowerKey = key.toLowerCase();
  let scanned = 0;
  for (const candidate in headers) {
    if (++scanned > limits.maxKeys) return undefined;
    if (
      candidate.length === lowerKey.length &&
      hasOwn.call(headers, candidate) &&
      candidate.toLowerCase() === lowerKey
    ) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * A header's value(s) as text: a string, an array of strings, or undefined.
 * The key is matched exactly, or else without regard to case.
 */
export function readHeader(
  headers: unknown,
  key: string,
  limits: HeaderLimits = DEFAULT_HEADER_LIMITS,
): string | string[] | undefined {
  if (!isObjectCarrier(headers)) return undefined;
  let raw: unknown;
  try {
    if (hasOwn.call(headers, key)) {
      raw = headers[key];
    } else {
      const found = findKeyIgnoringCase(headers, key, limits);
      if (found === undefined) return undefined;
      raw = headers[found];
    }
  } catch {
    return undefined; // a getter or a Proxy trap that throws
  }
  if (!Array.isArray(raw)) return headerValueToString(raw, limits);
  const values: string[] = [];
  const count = Math.min(raw.length, limits.maxArrayLength);
  for (let i = 0; i < count; i++) {
    const text = headerValueToString(raw[i], limits);
    if (text !== undefined) values.push(text);
  }
  return values.length > 0 ? values : undefined;
}

/** Whether `headers` has `key`, exactly or but for case (presence only: the value may be unreadable). */
export function hasHeader(
  headers: unknown,
  key: string,
  limits: HeaderLimits = DEFAULT_HEADER_LIMITS,
): boolean {
  if (!isObjectCarrier(headers)) return false;
  try {
    return hasOwn.call(headers, key) || findKeyIgnoringCase(headers, key, limits) !== undefined;
  } catch {
    return false;
  }
}

/** The header keys, own properties only, at most `limits.maxKeys` of them. */
export function headerKeys(
  headers: unknown,
  limits: HeaderLimits = DEFAULT_HEADER_LIMITS,
): string[] {
  if (!isObjectCarrier(headers)) return [];
  const keys: string[] = [];
  try {
    for (const key in headers) {
      if (!hasOwn.call(headers, key)) continue;
      keys.push(key);
      if (keys.length >= limits.maxKeys) break;
    }
  } catch {
    // a Proxy whose traps throw: offer what was read
  }
  return keys;
}

/** A propagator getter for Kafka headers and AMQP tables, bounded by `limits`. */
export function createHeaderGetter(
  limits: HeaderLimits = DEFAULT_HEADER_LIMITS,
): TextMapGetter<unknown> {
  return {
    get: (carrier, key) => readHeader(carrier, key, limits),
    keys: (carrier) => headerKeys(carrier, limits),
  };
}

/** The getter fanin extracts with: exact keys first, then without regard to case; bounded. */
export const headerGetter: TextMapGetter<unknown> = createHeaderGetter();

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A propagator setter writing string values. Keys a propagator could use to
 * pollute a prototype are refused.
 */
export const headerSetter: TextMapSetter<Record<string, unknown>> = {
  set(carrier, key, value) {
    if (FORBIDDEN_KEYS.has(key)) return;
    carrier[key] = value;
  },
};
