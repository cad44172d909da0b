import type { Link, SpanContext } from '@opentelemetry/api';

// What Datadog's Node tracer (dd-trace 6, OpenTelemetry bridge) writes for the
// links of a span: one meta tag `_dd.span_links` holding a JSON array, built by
// hand in dd-trace's span_format.js, one object per link in this key order:
//   {"trace_id":"<hex>","span_id":"<hex>"[,"attributes":{...}][,"flags":0|1][,"tracestate":"..."]}
// A tag longer than DD_SPAN_LINKS_MAX_LENGTH characters (UTF-16 code units) is
// cut there and "..." appended: the JSON no longer parses and every link of the
// span is lost, in agent mode and in its OTLP export mode alike.
// The functions below give the exact length dd-trace produces for links passed
// to `tracer.startSpan(name, { links })`, so a caller can keep under the cut.

/** dd-trace cuts a meta tag value longer than this many characters. */
export const DD_SPAN_LINKS_MAX_LENGTH = 25_000;

/**
 * Characters of `_dd.span_links` that belong to no link: `[` and `]`, less the
 * one separating comma that `ddSpanLinkLength` counts but the first link lacks.
 */
export const DD_SPAN_LINKS_ARRAY_OVERHEAD = 1;

// dd-trace's W3C tracestate model keeps at most 32 list members and drops a
// member whose value is longer than 256 characters.
const TRACESTATE_MAX_MEMBERS = 32;
const TRACESTATE_MAX_VALUE_LENGTH = 256;

const LINK_OPEN = '{"trace_id":"';
const BETWEEN_IDS = '","span_id":"';
const AFTER_SPAN_ID = '"';
const ATTRIBUTES_KEY = ',"attributes":';
const FLAGS_FIELD = ',"flags":0';
const TRACESTATE_KEY = ',"tracestate":';
const LINK_CLOSE = '}';
const SEPARATOR = ',';
const FIXED_LINK_CHARS =
  LINK_OPEN.length +
  BETWEEN_IDS.length +
  AFTER_SPAN_ID.length +
  LINK_CLOSE.length +
  SEPARATOR.length;

/**
 * Characters one link adds to dd-trace's `_dd.span_links` JSON, counting one
 * separating comma. The whole tag is `DD_SPAN_LINKS_ARRAY_OVERHEAD` plus the sum
 * of this over the links, and it survives when that is at most
 * `DD_SPAN_LINKS_MAX_LENGTH`.
 */
export function ddSpanLinkLength(link: Link): number {
  const fields = linkFields(link?.context);
  if (fields === undefined) return 0; // dd-trace leaves such a link out
  let length = FIXED_LINK_CHARS + fields.traceIdLength + fields.spanIdLength;
  const attributes = attributesJsonLength(link.attributes);
  if (attributes !== undefined) length += ATTRIBUTES_KEY.length + attributes;
  if (fields.hasFlags) length += FLAGS_FIELD.length;
  if (fields.tracestate !== undefined) {
    length += TRACESTATE_KEY.length + jsonStringLength(fields.tracestate);
  }
  return length;
}

/** The length of the `_dd.span_links` tag dd-trace writes for `links`; 0 when it writes none. */
export function ddSpanLinksLength(links: readonly Link[]): number {
  let length = 0;
  for (const link of links) length += ddSpanLinkLength(link);
  return length === 0 ? 0 : length + DD_SPAN_LINKS_ARRAY_OVERHEAD;
}

interface LinkFields {
  traceIdLength: number;
  spanIdLength: number;
  hasFlags: boolean;
  /** The tracestate text dd-trace writes, or undefined when it writes no `tracestate` field. */
  tracestate: string | undefined;
}

/**
 * A Datadog span context, as dd-trace keeps it behind its bridge's span
 * contexts (`_ddContext`). Read only to size links to spans of this process;
 * every field is checked before use.
 */
interface DatadogContextLike {
  toTraceId(get128bit: boolean): unknown;
  toSpanId(get128bit: boolean): unknown;
  _sampling?: { priority?: unknown };
  _tracestate?: unknown;
}

/** What dd-trace writes for a link's context; undefined when it drops the link. */
function linkFields(context: SpanContext | undefined): LinkFields | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const datadog = datadogContextOf(context);
  if (datadog !== undefined) {
    const fields = datadogContextFields(datadog);
    if (fields !== undefined) return fields;
  }
  // A plain OpenTelemetry span context: dd-trace parses the ids as hex into
  // whole 8-byte words and prints them zero-padded to 32 and 16 digits.
  if (typeof context.traceId !== 'string' || typeof context.spanId !== 'string') return undefined;
  const traceState = context.traceState as { serialize?: unknown } | undefined;
  let tracestate: string | undefined;
  if (typeof traceState?.serialize === 'function') {
    const serialized: unknown = traceState.serialize();
    tracestate = normalizeTracestate(typeof serialized === 'string' ? serialized : '');
  }
  return {
    traceIdLength: hexIdLength(context.traceId, 32),
    spanIdLength: hexIdLength(context.spanId, 16),
    hasFlags: typeof context.traceFlags === 'number',
    tracestate,
  };
}

function datadogContextOf(context: SpanContext): DatadogContextLike | undefined {
  const candidate = (context as { _ddContext?: unknown })._ddContext ?? context;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { toTraceId, toSpanId } = candidate as Partial<DatadogContextLike>;
  return typeof toTraceId === 'function' && typeof toSpanId === 'function'
    ? (candidate as DatadogContextLike)
    : undefined;
}

function datadogContextFields(context: DatadogContextLike): LinkFields | undefined {
  try {
    const traceId = context.toTraceId(true);
    const spanId = context.toSpanId(true);
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
    const priority = context._sampling?.priority;
    const state = context._tracestate;
    return {
      traceIdLength: traceId.length,
      spanIdLength: spanId.length,
      // dd-trace writes flags when the linked trace has a priority >= 0 at
      // export time. A local trace often decides only later (when it ends), so
      // an undecided one is counted with flags: at most 10 characters too many.
      hasFlags: typeof priority === 'number' ? priority >= 0 : true,
      tracestate: state ? String(state.toString()) : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Digits dd-trace prints for a hex id: whole 8-byte words, at least `minDigits`. */
function hexIdLength(id: string, minDigits: number): number {
  return Math.max(minDigits, Math.ceil(id.length / 16) * 16);
}

/**
 * The tracestate dd-trace writes for a serialized W3C tracestate: the first 32
 * comma-separated members; key trimmed, value trimmed at its end; members with
 * no `=`, an empty or blank-containing key, an empty value, a value over 256
 * characters or with a tab dropped; a repeated key kept once, with the value of
 * its first occurrence.
 */
export function normalizeTracestate(serialized: string): string {
  const values = new Map<string, string>();
  const segments = serialized.split(',', TRACESTATE_MAX_MEMBERS);
  for (const segment of segments) {
    const equals = segment.indexOf('=');
    if (equals === -1) continue;
    const key = segment.slice(0, equals).trim();
    if (key === '' || key.includes(' ') || key.includes('\t')) continue;
    const value = segment.slice(equals + 1).trimEnd();
    if (value === '' || value.length > TRACESTATE_MAX_VALUE_LENGTH || value.includes('\t')) {
      continue;
    }
    if (!values.has(key)) values.set(key, value);
  }
  // dd-trace writes the members in the order of their last occurrence; only
  // the length matters here, and that does not depend on the order.
  let text = '';
  for (const [key, value] of values) {
    text += `${text === '' ? '' : ','}${key}=${value}`;
  }
  return text;
}

/**
 * Length of `JSON.stringify` of the string map dd-trace makes of link
 * attributes, or undefined when no attribute survives (then it writes no
 * `attributes` field). Like dd-trace's OpenTelemetry bridge: an empty key, a
 * value that is not a string, number or boolean, or an array mixing types is
 * dropped; an array becomes one entry per element (`key.0`, `key.1`, ...,
 * skipping null elements); every value becomes `String(value)`.
 */
export function attributesJsonLength(attributes: Link['attributes']): number | undefined {
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(attributes)) {
    // `__proto__` is no key of the plain objects dd-trace collects them in.
    if (key === '' || key === '__proto__' || !isAttributeValue(value)) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        if (element !== null && element !== undefined) flat.set(`${key}.${i}`, String(element));
      }
    } else if (value !== null && value !== undefined) {
      flat.set(key, String(value));
    }
  }
  if (flat.size === 0) return undefined;
  let length = 2 + (flat.size - 1); // braces and commas
  for (const [key, value] of flat) {
    length += jsonStringLength(key) + 1 + jsonStringLength(value);
  }
  return length;
}

function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean';
}

/** The OpenTelemetry rule dd-trace's bridge applies first: primitives, null, or one-type arrays. */
function isAttributeValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (!Array.isArray(value)) return isPrimitive(value);
  let type: string | undefined;
  for (const element of value as unknown[]) {
    if (element === null || element === undefined) continue;
    if (type === undefined) {
      if (!isPrimitive(element)) return false;
      type = typeof element;
    } else if (typeof element !== type) {
      return false;
    }
  }
  return true;
}

/** Length of `JSON.stringify(text)`, quotes included, without building it. */
export function jsonStringLength(text: string): number {
  let length = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c && (code < 0xd800 || code > 0xdfff)) {
      length += 1;
    } else if (code === 0x22 || code === 0x5c) {
      length += 2; // \" and \\
    } else if (code < 0x20) {
      // \b \t \n \f \r have short escapes; other control characters are \u00XX.
      length +=
        code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6;
    } else if (code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      length += 2; // a surrogate pair stays as it is
      i++;
    } else {
      length += 6; // a lone surrogate becomes \uXXXX
    }
  }
  return length;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
