import type { SpanContext } from '@opentelemetry/api';

/** Longest header value looked at: a version-00 value is 55 characters, later versions may append fields. */
const MAX_LENGTH = 512;
const VERSION_00_LENGTH = 55;
const DASH = 0x2d;

/**
 * The producer context of a W3C `traceparent` value, parsed by hand:
 * `version-traceid-spanid-flags`, lowercase hex of 2, 32, 16 and 2 digits,
 * trace and span id not all zeros, version `ff` invalid, version 00 exactly
 * 55 characters, later versions possibly followed by `-` and more. Anything
 * else, including values longer than MAX_LENGTH, gives undefined.
 */
export function parseTraceparent(text: string): SpanContext | undefined {
  if (text.length < VERSION_00_LENGTH || text.length > MAX_LENGTH) return undefined;
  if (text.charCodeAt(2) !== DASH || text.charCodeAt(35) !== DASH || text.charCodeAt(52) !== DASH) {
    return undefined;
  }
  const version = hexByte(text, 0);
  if (version < 0 || version === 0xff) return undefined;
  if (text.length > VERSION_00_LENGTH) {
    if (version === 0 || text.charCodeAt(VERSION_00_LENGTH) !== DASH) return undefined;
  }
  const flags = hexByte(text, 53);
  if (flags < 0) return undefined;
  if (hexRun(text, 3, 35) !== 'non-zero' || hexRun(text, 36, 52) !== 'non-zero') return undefined;
  return {
    traceId: text.slice(3, 35),
    spanId: text.slice(36, 52),
    traceFlags: flags,
    isRemote: true,
  };
}

/** The `traceid-spanid` part of a value parseTraceparent accepted: a key that names its producer. */
export function producerKey(text: string): string {
  return text.slice(3, 52);
}

/**
 * A header value as kafkajs hands it over (a Buffer, a string, or an array of
 * them, of which the first counts) as text; undefined when it is none of
 * these, or longer than MAX_LENGTH.
 */
export function headerText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first.length <= MAX_LENGTH ? first : undefined;
  if (Buffer.isBuffer(first)) {
    return first.length <= MAX_LENGTH ? first.toString('latin1') : undefined;
  }
  return undefined;
}

/** The value of two lowercase hex digits at `at`, or -1. */
function hexByte(text: string, at: number): number {
  const high = hexDigit(text.charCodeAt(at));
  const low = hexDigit(text.charCodeAt(at + 1));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

/** Whether text[start, end) is lowercase hex, and whether it is all zeros. */
function hexRun(text: string, start: number, end: number): 'invalid' | 'zero' | 'non-zero' {
  let nonZero = false;
  for (let i = start; i < end; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) return 'invalid';
    if (digit !== 0) nonZero = true;
  }
  return nonZero ? 'non-zero' : 'zero';
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}
