import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTraceState, type Link, type SpanContext, TraceFlags } from '@opentelemetry/api';
import {
  DD_SPAN_LINKS_ARRAY_OVERHEAD,
  ddSpanLinkLength,
  ddSpanLinksLength,
  jsonStringLength,
  normalizeTracestate,
} from './link-size';

// The reference: the `_dd.span_links` value built the way dd-trace 6 builds it
// (span_format.js after the bridge's attribute sanitizing), as objects given
// to JSON.stringify. The function under test only counts characters.

function referenceTracestate(serialized: string): string {
  if (serialized === '') return '';
  const entries: [string, string][] = [];
  for (const segment of serialized.split(',', 32)) {
    const at = segment.indexOf('=');
    if (at === -1) continue;
    const key = segment.slice(0, at).trim();
    if (!key || /[ \t]/.test(key)) continue;
    const value = segment.slice(at + 1).trimEnd();
    if (!value || value.length > 256 || value.includes('\t')) continue;
    entries.push([key, value]);
  }
  entries.reverse();
  let text = '';
  for (const [key, value] of new Map(entries))
    text = text ? `${key}=${value},${text}` : `${key}=${value}`;
  return text;
}

function referenceAttributes(attributes: unknown): Record<string, string> | undefined {
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  const sanitized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key.length === 0) continue;
    if (Array.isArray(value)) {
      const types = new Set(value.filter((e) => e != null).map((e) => typeof e));
      const primitive = [...types].every(
        (t) => t === 'string' || t === 'number' || t === 'boolean',
      );
      if (types.size > 1 || !primitive) continue;
      sanitized[key] = value.slice();
    } else if (value == null || ['string', 'number', 'boolean'].includes(typeof value)) {
      sanitized[key] = value;
    }
  }
  let out: Record<string, string> | undefined;
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) add(`${key}.${i}`, value[i]);
    } else if (['string', 'number', 'boolean'].includes(typeof value)) {
      out ??= {};
      out[key] = String(value);
    }
  };
  for (const key of Object.keys(sanitized)) add(key, sanitized[key]);
  return out;
}

function referenceLink(link: Link): Record<string, unknown> {
  const { traceId, spanId, traceFlags, traceState } = link.context;
  const hex = (id: string, min: number) =>
    id.padStart(Math.ceil(id.length / 16) * 16, '0').padStart(min, '0');
  const out: Record<string, unknown> = { trace_id: hex(traceId, 32), span_id: hex(spanId, 16) };
  const attributes = referenceAttributes(link.attributes);
  if (attributes !== undefined) out.attributes = attributes;
  if (typeof traceFlags === 'number') out.flags = traceFlags & 1 ? 1 : 0;
  if (traceState !== undefined) out.tracestate = referenceTracestate(traceState.serialize());
  return out;
}

const referenceJson = (links: Link[]) => JSON.stringify(links.map(referenceLink));

// A small deterministic generator, so a failure can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARACTERS = [
  ...'abcXYZ019 .-_=,;:/~',
  '"',
  '\\',
  '\b',
  '\t',
  '\n',
  '\f',
  '\r',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  'é',
  '\u2028',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
];

function generator(seed: number) {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const text = (max: number) =>
    Array.from({ length: int(max + 1) }, () => pick(CHARACTERS)).join('');
  const hex = (digits: number) =>
    Array.from({ length: digits }, () => int(16).toString(16)).join('');
  const number = () =>
    pick([
      () => int(1_000_000_000),
      () => -int(1000),
      () => next() * 1e6,
      () => 1e21,
      () => 5e-7,
      () => -0,
      () => Number.NaN,
      () => Number.POSITIVE_INFINITY,
      () => Number.MAX_SAFE_INTEGER,
    ])();
  const value = (): unknown =>
    pick([
      () => text(12),
      number,
      () => next() < 0.5,
      () => [text(4), null, text(3)],
      () => [number(), number()],
      () => [true, false, undefined],
      () => [],
      () => ['mixed', 1],
      () => ({ nested: 1 }),
      () => null,
      () => undefined,
      () => 12n,
    ])();
  const attributes = (): Record<string, unknown> | undefined => {
    if (next() < 0.1) return undefined;
    const out: Record<string, unknown> = {};
    const count = int(6);
    for (let i = 0; i < count; i++) out[pick(['', 'a', 'a.0', '1', text(8)])] = value();
    return out;
  };
  const member = () =>
    pick([
      () => `k${int(40)}=${text(20).replaceAll(',', '')}`,
      () => ` dd=s:1;t.dm:-0 `,
      () => `long=${'v'.repeat(250 + int(10))}`,
      () => `tab=a\tb`,
      () => `no-equals`,
      () => `=empty-key`,
      () => `empty=`,
      () => `sp ace=1`,
    ])();
  const tracestateOfLength = (length: number): string => {
    let state = '';
    while (state.length < length) state += `${state ? ',' : ''}${member()}`;
    return state.slice(0, length);
  };
  const context = (): SpanContext => {
    const tracestate = next() < 0.2 ? undefined : tracestateOfLength(int(513));
    return {
      traceId: hex(32),
      spanId: hex(16),
      traceFlags: pick([TraceFlags.SAMPLED, TraceFlags.NONE, 3]),
      isRemote: true,
      ...(tracestate === undefined
        ? {}
        : { traceState: { serialize: () => tracestate } as SpanContext['traceState'] }),
    };
  };
  return {
    link: (): Link => ({ context: context(), attributes: attributes() as Link['attributes'] }),
  };
}

describe('ddSpanLinkLength', () => {
  it('matches JSON.stringify of what dd-trace builds, for generated links', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const gen = generator(seed);
      const links = Array.from({ length: 1 + (seed % 7) }, () => gen.link());
      const expected = referenceJson(links);
      assert.equal(ddSpanLinksLength(links), expected.length, `seed ${seed}: ${expected}`);
      for (const link of links) {
        assert.equal(ddSpanLinkLength(link), referenceJson([link]).length - 2 + 1, `seed ${seed}`);
      }
    }
  });

  it("is exact for fanin's own links at every tracestate length from 0 to 512", () => {
    const other = generator(99).link();
    for (let length = 0; length <= 512; length++) {
      const serialized = 'k0=a,k1=b,dd=s:1;t.dm:-0,vendor=xyz'.repeat(20).slice(0, length);
      const link: Link = {
        context: {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceFlags: TraceFlags.SAMPLED,
          isRemote: true,
          traceState: createTraceState(serialized),
        },
        attributes: {
          'messaging.kafka.offset': 1_234_567,
          'messaging.destination.partition.id': '3',
          'fanin.link.message_count': 1,
        },
      };
      assert.equal(ddSpanLinksLength([link]), referenceJson([link]).length, `length ${length}`);
      const pair = [link, other];
      assert.equal(ddSpanLinksLength(pair), referenceJson(pair).length, `length ${length}`);
    }
  });

  it('counts the fixed parts: a bare link and the array around it', () => {
    const bare: Link = {
      context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 },
    };
    const json = `[{"trace_id":"${'a'.repeat(32)}","span_id":"${'b'.repeat(16)}","flags":1}]`;
    assert.equal(ddSpanLinksLength([bare]), json.length);
    assert.equal(ddSpanLinkLength(bare) + DD_SPAN_LINKS_ARRAY_OVERHEAD, json.length);
    assert.equal(ddSpanLinksLength([bare, bare, bare]), 3 * (json.length - 2) + 2 + 2);
  });

  it('gives 0 for no links and for links dd-trace leaves out', () => {
    assert.equal(ddSpanLinksLength([]), 0);
    const noIds = { context: { traceFlags: 1 } } as unknown as Link;
    assert.equal(ddSpanLinkLength(noIds), 0);
    assert.equal(ddSpanLinksLength([noIds]), 0);
    assert.equal(ddSpanLinkLength({ context: null } as unknown as Link), 0);
  });

  it('sizes a link to a dd-trace span of this process from its Datadog context', () => {
    const ddContext = {
      toTraceId: (wide: boolean) => (wide ? '0'.repeat(16) + 'c'.repeat(16) : '1'),
      toSpanId: (wide: boolean) => (wide ? 'd'.repeat(16) : '2'),
      _sampling: { priority: 2 },
      _tracestate: { toString: () => 'dd=s:2;p:dddddddddddddddd' },
    };
    const link = {
      context: { _ddContext: ddContext, traceId: 'x', spanId: 'y', traceFlags: 1 },
    } as unknown as Link;
    const json = `{"trace_id":"${'0'.repeat(16)}${'c'.repeat(16)}","span_id":"${'d'.repeat(16)}","flags":1,"tracestate":"dd=s:2;p:dddddddddddddddd"}`;
    assert.equal(ddSpanLinkLength(link), json.length + 1);
    // A user-rejected trace (priority -1) and no tracestate: dd-trace writes neither field.
    const rejected = { ...ddContext, _sampling: { priority: -1 }, _tracestate: undefined };
    const bare = `{"trace_id":"${'0'.repeat(16)}${'c'.repeat(16)}","span_id":"${'d'.repeat(16)}"}`;
    assert.equal(
      ddSpanLinkLength({ context: { _ddContext: rejected } } as unknown as Link),
      bare.length + 1,
    );
    // Not decided yet: counted with flags, which dd-trace writes once the trace decides.
    const undecided = { ...rejected, _sampling: {} };
    assert.equal(
      ddSpanLinkLength({ context: { _ddContext: undecided } } as unknown as Link),
      bare.length + 1 + ',"flags":1'.length,
    );
  });
});

describe('normalizeTracestate', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a=1', 'a=1'],
    [' a =1 ,b=2  ', 'a=1,b=2'],
    ['a=1,a=2', 'a=1'],
    ['a=1,b=2,a=3', 'b=2,a=1'],
    ['x,=1,b=,c d=1,t=a\tb,ok=y', 'ok=y'],
    [`v=${'z'.repeat(257)},w=1`, 'w=1'],
    [`v=${'z'.repeat(256)}`, `v=${'z'.repeat(256)}`],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input.slice(0, 30))} -> ${JSON.stringify(expected.slice(0, 30))}`, () => {
      assert.equal(normalizeTracestate(input).length, expected.length);
      assert.equal(referenceTracestate(input), expected);
    });
  }
  it('keeps the first 32 members only', () => {
    const members = Array.from({ length: 40 }, (_, i) => `k${i}=v`);
    assert.equal(normalizeTracestate(members.join(',')), members.slice(0, 32).join(','));
  });
});

describe('jsonStringLength', () => {
  it('matches JSON.stringify on every UTF-16 code unit and on surrogate pairs', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      assert.equal(jsonStringLength(text), JSON.stringify(text).length, `U+${code.toString(16)}`);
    }
    for (const text of [
      '\ud83d\ude00',
      '\ud83d',
      '\ude00\ud83d',
      '\ud83d\ud83d\ude00',
      'x\ud800',
    ]) {
      assert.equal(jsonStringLength(text), JSON.stringify(text).length, JSON.stringify(text));
    }
  });
});
