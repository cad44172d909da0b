import type { SpanContext } from '@opentelemetry/api';

// A W3C `traceparent` header read the way @opentelemetry/core's
// W3CTraceContextPropagator reads it (version-traceid-parentid-flags, lower
// case hex, no all-zero ids, version ff refused, version 00 with nothing
// after the flags, one optional white-space character at either end), without
// building a context: the batch hot path, used only while that propagator is
// the application's (see extract.ts). The differential test checks the two
// agree on every input.

const TRACEPARENT_CORE_LENGTH = 55; // 2 + 1 + 32 + 1 + 16 + 1 + 2

/** JavaScript's `\s`: what the propagator's regular expression allows around the value. */
function isWhiteSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** A line terminator, which `.` does not match. */
function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

function isLowerHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66);
}

/** Whether `length` characters from `start` are lower-case hex and not all '0'. */
function isNonZeroHex(text: string, start: number, length: number): boolean {
  let nonZero = false;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i);
    if (!isLowerHex(code)) return false;
    if (code !== 0x30) nonZero = true;
  }
  return nonZero;
}

/**
 * Whether `id` is `length` hex digits (either case, as the API's
 * isValidTraceId/isValidSpanId accept) and not all '0': a loop, not a
 * regular expression, on the per-message path.
 */
export function isHexId(id: string, length: number): boolean {
  if (id.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i) | 0x20;
    if (!isLowerHex(code)) return false;
    if (code !== 0x30) nonZero = true;
  }
  return nonZero;
}

function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

/**
 * The span context in a `traceparent` value, or undefined when the W3C
 * propagator would find none in it. `traceState` is not read.
 */
export function parseTraceparent(value: string): SpanContext | undefined {
  let start = 0;
  const end = value.length;
  // `^\s?` and `\s?$`: one white-space character may stand at each end. When
  // the value is longer than the core, the extra characters belong to a
  // version's trailing part, tried after the plain form.
  if (end > 0 && isWhiteSpace(value.charCodeAt(0))) start = 1;
  if (end - start < TRACEPARENT_CORE_LENGTH) return undefined;
  const v0 = value.charCodeAt(start);
  const v1 = value.charCodeAt(start + 1);
  if (!isLowerHex(v0) || !isLowerHex(v1) || (v0 === 0x66 && v1 === 0x66)) return undefined;
  if (
    value.charCodeAt(start + 2) !== 0x2d ||
    value.charCodeAt(start + 35) !== 0x2d ||
    value.charCodeAt(start + 52) !== 0x2d
  ) {
    return undefined;
  }
  if (!isNonZeroHex(value, start + 3, 32) || !isNonZeroHex(value, start + 36, 16)) return undefined;
  const f0 = value.charCodeAt(start + 53);
  const f1 = value.charCodeAt(start + 54);
  if (!isLowerHex(f0) || !isLowerHex(f1)) return undefined;
  const rest = start + TRACEPARENT_CORE_LENGTH;
  if (!acceptsRest(value, rest, end, v0 === 0x30 && v1 === 0x30)) return undefined;
  return {
    traceId: value.slice(start + 3, start + 35),
    spanId: value.slice(start + 36, start + 52),
    traceFlags: hexValue(f0) * 16 + hexValue(f1),
    isRemote: true,
  };
}

/**
 * What may follow the flags: nothing, one white-space character, or (not for
 * version 00) `-` and any characters but line terminators, then optionally one
 * white-space character.
 */
function acceptsRest(value: string, rest: number, end: number, versionZero: boolean): boolean {
  if (rest === end) return true;
  if (rest + 1 === end && isWhiteSpace(value.charCodeAt(rest))) return true;
  if (versionZero || value.charCodeAt(rest) !== 0x2d) return false;
  // `(-.*)` then `\s?$`: `.` takes every character but a line terminator, so
  // the value may end in at most one line terminator (taken by `\s?`).
  for (let i = rest + 1; i < end; i++) {
    if (isLineTerminator(value.charCodeAt(i)) && i !== end - 1) return false;
  }
  return true;
}

/**
 * `parseTraceparent` for the common case of a 55-byte Buffer (a version-00
 * value as Kafka clients hand it over), read from its bytes without decoding
 * it first; undefined when the bytes are anything else (the caller then
 * decodes and parses the text, which gives the same answer for ASCII).
 */
export function parseTraceparentBytes(bytes: Uint8Array): SpanContext | undefined {
  if (bytes.length !== TRACEPARENT_CORE_LENGTH) return undefined;
  const v0 = bytes[0] as number;
  const v1 = bytes[1] as number;
  if (!isLowerHex(v0) || !isLowerHex(v1) || (v0 === 0x66 && v1 === 0x66)) return undefined;
  if (bytes[2] !== 0x2d || bytes[35] !== 0x2d || bytes[52] !== 0x2d) return undefined;
  if (!isNonZeroHexBytes(bytes, 3, 35) || !isNonZeroHexBytes(bytes, 36, 52)) return undefined;
  const f0 = bytes[53] as number;
  const f1 = bytes[54] as number;
  if (!isLowerHex(f0) || !isLowerHex(f1)) return undefined;
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // One decode for both ids; the slices share it.
  const ids = buffer.toString('latin1', 3, 52);
  return {
    traceId: ids.slice(0, 32),
    spanId: ids.slice(33),
    traceFlags: hexValue(f0) * 16 + hexValue(f1),
    isRemote: true,
  };
}

/** 1 for the bytes of lower-case hex digits but '0', 2 for '0', 0 for any other byte. */
const HEX_BYTE = new Uint8Array(256);
for (const code of '123456789abcdef') HEX_BYTE[code.charCodeAt(0)] = 1;
HEX_BYTE[0x30] = 2;

/** Whether bytes[start, end) are lower-case hex and not all '0'. */
function isNonZeroHexBytes(bytes: Uint8Array, start: number, end: number): boolean {
  let seen = 0;
  for (let i = start; i < end; i++) {
    const kind = HEX_BYTE[bytes[i] as number] as number;
    if (kind === 0) return false;
    seen |= kind;
  }
  return (seen & 1) === 1;
}
