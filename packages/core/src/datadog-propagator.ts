import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

// Datadog's own trace context headers, as Datadog tracers (dd-trace with
// DD_TRACE_PROPAGATION_STYLE=datadog) write them into HTTP requests and
// message headers:
//   x-datadog-trace-id           lower 64 bits of the trace id, decimal
//   x-datadog-parent-id          the sender's span id, 64 bits, decimal
//   x-datadog-sampling-priority  integer; > 0 means keep (1 auto, 2 user), <= 0 drop
//   x-datadog-tags               comma-separated key=value trace tags;
//                                `_dd.p.tid=<16 hex>` is the upper 64 bits of a 128-bit trace id
//   x-datadog-origin             where the trace started (synthetics, rum, ...)

export const DATADOG_TRACE_ID_HEADER = 'x-datadog-trace-id';
export const DATADOG_PARENT_ID_HEADER = 'x-datadog-parent-id';
export const DATADOG_SAMPLING_PRIORITY_HEADER = 'x-datadog-sampling-priority';
export const DATADOG_TAGS_HEADER = 'x-datadog-tags';
export const DATADOG_ORIGIN_HEADER = 'x-datadog-origin';

const FIELDS = Object.freeze([
  DATADOG_TRACE_ID_HEADER,
  DATADOG_PARENT_ID_HEADER,
  DATADOG_SAMPLING_PRIORITY_HEADER,
  DATADOG_TAGS_HEADER,
  DATADOG_ORIGIN_HEADER,
]);

const TRACE_ID_HIGH_TAG = '_dd.p.tid';
const MAX_UINT64 = (1n << 64n) - 1n;
const ZERO_HIGH = '0000000000000000';

// Length caps: 2^64-1 has 20 decimal digits; Datadog tracers cap x-datadog-tags at 512.
const MAX_ID_LENGTH = 20;
const MAX_PRIORITY_LENGTH = 6;
const MAX_TAGS_LENGTH = 512;
const MAX_ORIGIN_LENGTH = 200;

/**
 * A W3C trace-context view of Datadog's headers. `extract` turns them into a
 * remote span context (32-hex trace id from `_dd.p.tid` and the decimal lower
 * half, 16-hex span id, sampled when the priority is above 0; a priority that
 * is absent or unreadable counts as not sampled); `inject` writes them from the
 * active span context. Header values may be strings, Buffers or arrays of them
 * (the first element counts); anything malformed, oversized, zero or beyond
 * 64 bits is ignored. It never throws.
 *
 * An origin travels in the span context's tracestate as the `o:` field of the
 * `dd` member (with the priority as `s:`), which is where Datadog puts it in
 * W3C headers; without an origin the context has no tracestate.
 */
export class DatadogPropagator implements TextMapPropagator {
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    try {
      const spanContext = extractDatadogSpanContext(carrier, getter);
      return spanContext === undefined ? context : trace.setSpanContext(context, spanContext);
    } catch {
      return context;
    }
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    try {
      const spanContext = trace.getSpanContext(context);
      if (spanContext === undefined) return;
      const headers = datadogHeadersOf(spanContext);
      if (headers === undefined) return;
      for (const [key, value] of headers) setter.set(carrier, key, value);
    } catch {
      // a throwing setter or carrier must not reach the caller
    }
  }

  fields(): string[] {
    return [...FIELDS];
  }
}

/** The span context that Datadog headers describe, or undefined when they describe none. */
export function extractDatadogSpanContext(
  carrier: unknown,
  getter: TextMapGetter,
): SpanContext | undefined {
  const low = parseUint64(headerText(getter, carrier, DATADOG_TRACE_ID_HEADER, MAX_ID_LENGTH));
  if (low === undefined) return undefined;
  const spanId = parseUint64(headerText(getter, carrier, DATADOG_PARENT_ID_HEADER, MAX_ID_LENGTH));
  if (spanId === undefined) return undefined;
  const high = traceIdHigh(headerText(getter, carrier, DATADOG_TAGS_HEADER, MAX_TAGS_LENGTH));
  const priority = parsePriority(
    headerText(getter, carrier, DATADOG_SAMPLING_PRIORITY_HEADER, MAX_PRIORITY_LENGTH),
  );
  const origin = readOrigin(headerText(getter, carrier, DATADOG_ORIGIN_HEADER, MAX_ORIGIN_LENGTH));
  const spanContext: SpanContext = {
    traceId: `${high}${toHex16(low)}`,
    spanId: toHex16(spanId),
    traceFlags: priority !== undefined && priority > 0 ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  if (origin !== undefined) {
    const fields = priority === undefined ? `o:${origin}` : `s:${priority};o:${origin}`;
    spanContext.traceState = createTraceState(`dd=${fields}`);
  }
  return spanContext;
}

/** The Datadog headers for a valid span context; undefined when Datadog ids cannot carry it. */
export function datadogHeadersOf(spanContext: SpanContext): [string, string][] | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const high = spanContext.traceId.slice(0, 16).toLowerCase();
  const low = BigInt(`0x${spanContext.traceId.slice(16)}`);
  if (low === 0n) return undefined; // Datadog reads a zero trace id as no trace
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const ddMember = spanContext.traceState?.get('dd');
  const headers: [string, string][] = [
    [DATADOG_TRACE_ID_HEADER, low.toString(10)],
    [DATADOG_PARENT_ID_HEADER, BigInt(`0x${spanContext.spanId}`).toString(10)],
    [DATADOG_SAMPLING_PRIORITY_HEADER, String(injectedPriority(ddMember, sampled))],
  ];
  if (high !== ZERO_HIGH) headers.push([DATADOG_TAGS_HEADER, `${TRACE_ID_HIGH_TAG}=${high}`]);
  const origin = ddField(ddMember, 'o');
  if (origin !== undefined && origin !== '') {
    headers.push([DATADOG_ORIGIN_HEADER, origin.replaceAll('~', '=')]);
  }
  return headers;
}

/** A header's text: the first value of an array, a string or bytes, at most `maxLength` long. */
function headerText(
  getter: TextMapGetter,
  carrier: unknown,
  key: string,
  maxLength: number,
): string | undefined {
  let value: unknown = getter.get(carrier, key);
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'string') return value.length <= maxLength ? value : undefined;
  if (value instanceof Uint8Array) {
    if (value.byteLength > maxLength) return undefined;
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  }
  return undefined;
}

/** A decimal unsigned 64-bit id other than 0, or undefined. */
function parseUint64(text: string | undefined): bigint | undefined {
  if (text === undefined || text.length === 0 || !isDigits(text)) return undefined;
  const value = BigInt(text);
  return value === 0n || value > MAX_UINT64 ? undefined : value;
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

function parsePriority(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const digits = text.startsWith('-') ? text.slice(1) : text;
  if (digits.length === 0 || !isDigits(digits)) return undefined;
  return Number(text);
}

/** The upper 16 hex digits of the trace id from `_dd.p.tid`, or zeros. */
function traceIdHigh(tags: string | undefined): string {
  if (tags === undefined) return ZERO_HIGH;
  for (const entry of tags.split(',')) {
    const equals = entry.indexOf('=');
    if (equals === -1 || entry.slice(0, equals).trim() !== TRACE_ID_HIGH_TAG) continue;
    const value = entry.slice(equals + 1).trim();
    return isHex16(value) ? value.toLowerCase() : ZERO_HIGH;
  }
  return ZERO_HIGH;
}

function isHex16(text: string): boolean {
  if (text.length !== 16) return false;
  for (let i = 0; i < 16; i++) {
    const code = text.charCodeAt(i) | 0x20; // lower-case letters
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

/**
 * The origin as a value of the tracestate `dd` member: printable ASCII only,
 * `=` written as `~`, and the characters the member uses as separators (and
 * `~`) as `_`, as Datadog writes it.
 */
function readOrigin(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let origin = '';
  for (const char of text.trim()) {
    const code = char.charCodeAt(0);
    if (char === '=') origin += '~';
    else if (char.length > 1 || code < 0x20 || code > 0x7e || char === ',' || char === ';') {
      origin += '_';
    } else if (char === '~') origin += '_';
    else origin += char;
  }
  return origin === '' ? undefined : origin;
}

/** One `key:value` field of the tracestate `dd` member. */
function ddField(member: string | undefined, key: string): string | undefined {
  if (member === undefined) return undefined;
  for (const field of member.split(';')) {
    if (field.startsWith(`${key}:`)) return field.slice(key.length + 1);
  }
  return undefined;
}

/** The priority to send: the `dd` member's, when it agrees with the sampled flag; else 1 or 0. */
function injectedPriority(ddMember: string | undefined, sampled: boolean): number {
  const priority = parsePriority(ddField(ddMember, 's'));
  if (priority !== undefined && priority > 0 === sampled) return priority;
  return sampled ? 1 : 0;
}

function toHex16(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}
