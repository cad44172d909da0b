// The direct `traceparent` path against @opentelemetry/core's W3C
// propagator, on generated and hostile header sets: both must find the same
// span context (trace id, span id, flags, remote flag) or both none, with the
// same status. A link keeps no tracestate by default (fanin's own choice, on
// both paths), so the direct path reads none; with `withTraceState` the
// extractor takes the general path, tracestate and all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import {
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { B3Propagator } from '@opentelemetry/propagator-b3';
import { ContextExtractor, globalPropagatorIsW3C } from './extract';
import { headerGetter } from './headers';
import { parseTraceparent } from './traceparent';

installTestTracing();

/** A small deterministic generator (mulberry32). */
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

const WHITE_SPACE = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];
const ODD = [
  '',
  '-',
  'G',
  'F',
  'Z',
  '\u0000',
  'é',
  '😀',
  '--',
  '-x',
  '-\n',
  '-x\n',
  '-x\ny',
  '.',
  ' -',
];

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const hex = (length: number, alphabet = '0123456789abcdef') =>
    Array.from({ length }, () => pick(alphabet.split(''))).join('');
  const id = (length: number) => {
    const roll = next();
    if (roll < 0.02) return '0'.repeat(length);
    if (roll < 0.04) return hex(length, '0123456789ABCDEF');
    if (roll < 0.06) return hex(length - 1);
    if (roll < 0.08) return hex(length + 1);
    if (roll < 0.1) return `${hex(length - 1)}${pick(ODD) || 'g'}`;
    return hex(length);
  };
  const version = () =>
    pick(['00', '00', '00', '00', '00', '00', '01', 'cc', 'fe', 'ff', 'FF', '0', '000', 'zz']);
  const flags = () =>
    pick(['00', '01', '01', '01', '01', '03', 'ff', '0', '1', 'FF', 'g1', hex(2)]);
  const traceparent = () => {
    let value = `${version()}-${id(32)}-${id(16)}-${flags()}`;
    if (next() < 0.25) value += pick(ODD) + (next() < 0.5 ? hex(3) : '');
    if (next() < 0.15) value = pick(WHITE_SPACE) + value;
    if (next() < 0.15) value += pick(WHITE_SPACE);
    if (next() < 0.03) value = pick(WHITE_SPACE) + pick(WHITE_SPACE) + value;
    if (next() < 0.03) value = value.replaceAll('-', pick(['_', '--', ' ']));
    if (next() < 0.02) value = value.repeat(200);
    return value;
  };
  const shape = (value: string): unknown => {
    const roll = next();
    if (roll < 0.35) return value;
    if (roll < 0.65) return Buffer.from(value);
    if (roll < 0.7) return new TextEncoder().encode(value);
    if (roll < 0.78) return [Buffer.from(value), 'second'];
    if (roll < 0.82) return [{ table: value }, value];
    if (roll < 0.85) return [];
    if (roll < 0.88) return 42;
    if (roll < 0.9) return null;
    if (roll < 0.92) return { nested: value };
    if (roll < 0.94) return Buffer.from(value, 'latin1');
    return Buffer.from(value.replace(/[0-9a-f]/, '\u00ff'), 'latin1');
  };
  const key = () =>
    pick([
      'traceparent',
      'traceparent',
      'traceparent',
      'TraceParent',
      'TRACEPARENT',
      'trace-parent',
      'tracestate',
    ]);
  return (): unknown => {
    const roll = next();
    if (roll < 0.02) return undefined;
    if (roll < 0.03) return 'not a table';
    if (roll < 0.04) {
      return Object.defineProperty({}, 'traceparent', {
        enumerable: true,
        get() {
          throw new Error('hostile');
        },
      });
    }
    if (roll < 0.05) {
      return new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('hostile');
          },
          has: () => {
            throw new Error('hostile');
          },
        },
      );
    }
    if (roll < 0.06)
      return JSON.parse(`{"__proto__": {"traceparent": ${JSON.stringify(traceparent())}}}`);
    const headers: Record<string, unknown> = {};
    const count = Math.floor(next() * 3) + 1;
    for (let i = 0; i < count; i++) headers[key()] = shape(traceparent());
    if (next() < 0.2)
      headers.tracestate = pick(['rojo=00f067aa0ba902b7', 'a=1,b=2', '', ',,,', 'x'.repeat(600)]);
    if (next() < 0.1) headers.baggage = 'k=v';
    return headers;
  };
}

function describeHeaders(headers: unknown): string {
  try {
    return JSON.stringify(headers);
  } catch {
    return 'a hostile header set';
  }
}

/** What the propagator itself makes of `headers`, through fanin's getter. */
function throughPropagator(headers: unknown): SpanContext | 'missing' | 'invalid' {
  // The general path: an extractor that must keep tracestate never reads directly.
  return new ContextExtractor({ withTraceState: true }).spanContextOf(headers);
}

function compare(propagator: TextMapPropagator, seed: number, count: number) {
  propagation.disable();
  propagation.setGlobalPropagator(propagator);
  assert.equal(globalPropagatorIsW3C(), true);
  const next = generator(seed);
  let valid = 0;
  for (let i = 0; i < count; i++) {
    const headers = next();
    const direct = new ContextExtractor().spanContextOf(headers);
    const general = throughPropagator(headers);
    if (typeof general === 'string' || typeof direct === 'string') {
      if (direct !== general)
        assert.fail(`case ${i}: ${direct} vs ${general}: ${describeHeaders(headers)}`);
      continue;
    }
    valid++;
    assert.deepEqual(
      [direct.traceId, direct.spanId, direct.traceFlags, direct.isRemote, direct.traceState],
      [general.traceId, general.spanId, general.traceFlags, general.isRemote, undefined],
      `case ${i}`,
    );
  }
  return valid;
}

/** A message's whole context (a span's parent): the direct path against the propagator's. */
function compareContexts(propagator: TextMapPropagator, seed: number, count: number) {
  propagation.disable();
  propagation.setGlobalPropagator(propagator);
  const next = generator(seed);
  for (let i = 0; i < count; i++) {
    const headers = next();
    const direct = new ContextExtractor().extract(headers);
    const general = new ContextExtractor({ getter: { ...headerGetter } }).extract(headers);
    const ids = (sc: SpanContext | undefined) =>
      sc && [sc.traceId, sc.spanId, sc.traceFlags, sc.isRemote, sc.traceState?.serialize()];
    const parent = (context: typeof direct.context) => ids(trace.getSpanContext(context));
    const baggage = (context: typeof direct.context) =>
      propagation
        .getBaggage(context)
        ?.getAllEntries()
        .map(([key, entry]) => [key, entry.value]);
    if (direct.status !== general.status) {
      assert.fail(`case ${i}: ${direct.status} vs ${general.status}: ${describeHeaders(headers)}`);
    }
    assert.deepEqual(ids(direct.spanContext), ids(general.spanContext), `case ${i}`);
    assert.deepEqual(parent(direct.context), parent(general.context), `case ${i}`);
    assert.deepEqual(baggage(direct.context), baggage(general.context), `case ${i}`);
  }
}

describe('the direct traceparent path', () => {
  it('agrees with W3CTraceContextPropagator on 100,000 generated and hostile header sets', () => {
    const valid = compare(new W3CTraceContextPropagator(), 1, 100_000);
    assert.ok(valid > 15_000, `enough valid contexts were compared (${valid})`);
  });

  it('agrees with a composite of W3C trace context and baggage on 20,000 more', () => {
    const composite = new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    });
    const valid = compare(composite, 2, 20_000);
    assert.ok(valid > 3_000, `enough valid contexts were compared (${valid})`);
  });

  it("gives a message span's parent context as the propagator does, on 50,000 header sets", () => {
    compareContexts(new W3CTraceContextPropagator(), 3, 25_000);
    compareContexts(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
      4,
      25_000,
    );
  });

  it('matches the propagator on the edges of its grammar', () => {
    propagation.disable();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const core = '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    for (const value of [
      `00-${core}`,
      ` 00-${core}`,
      `00-${core} `,
      `00-${core}\n`,
      `\u3000 00-${core}`,
      `00-${core}-`,
      `01-${core}-`,
      `01-${core}-future\n`,
      `01-${core}-fu\nture`,
      `01-${core}-future \n`,
      `ff-${core}`,
      `00-${core.toUpperCase()}`,
      `00-${core}x`,
    ]) {
      const viaPropagator = trace.getSpanContext(
        propagation.extract(ROOT_CONTEXT, { traceparent: value }, headerGetter),
      );
      const direct = parseTraceparent(value);
      assert.deepEqual(
        direct && [direct.traceId, direct.spanId, direct.traceFlags],
        viaPropagator && [viaPropagator.traceId, viaPropagator.spanId, viaPropagator.traceFlags],
        JSON.stringify(value),
      );
    }
  });

  it('is not taken for any other propagator, nor for a W3C one composed with another', () => {
    for (const propagator of [
      new B3Propagator(),
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new B3Propagator()],
      }),
      Object.assign(new W3CTraceContextPropagator(), {
        extract: (context: unknown) => context,
      }),
    ]) {
      propagation.disable();
      propagation.setGlobalPropagator(propagator as TextMapPropagator);
      assert.equal(globalPropagatorIsW3C(), false);
    }
    propagation.disable();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
});
