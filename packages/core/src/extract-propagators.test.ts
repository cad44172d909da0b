// The propagators users configure, reading headers whose keys a producer in
// another language capitalised (Kafka and AMQP header keys are
// case-sensitive; propagators ask for lower-case names).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import { isSpanContextValid, propagation, type TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { ContextExtractor } from './extract';

installTestTracing();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

type Shape = (value: string) => unknown;
/** How each library hands a header value over. */
const SHAPES: Array<[string, Shape]> = [
  ['a Kafka string', (value) => value],
  ['a Kafka Buffer', (value) => Buffer.from(value)],
  ['a Kafka array of Buffers', (value) => [Buffer.from(value)]],
  ['an AMQP long string (Buffer)', (value) => Buffer.from(value, 'utf8')],
];

const CASES: Array<[string, TextMapPropagator, Record<string, string>]> = [
  [
    'B3 multi (the Java agent with otel.propagators=b3multi)',
    new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
    { 'X-B3-TraceId': TRACE_ID, 'X-B3-SpanId': SPAN_ID, 'X-B3-Sampled': '1' },
  ],
  ['B3 single', new B3Propagator(), { B3: `${TRACE_ID}-${SPAN_ID}-1` }],
  ['Jaeger', new JaegerPropagator(), { 'Uber-Trace-Id': `${TRACE_ID}:${SPAN_ID}:0:1` }],
  [
    'W3C trace context',
    new W3CTraceContextPropagator(),
    { TraceParent: `00-${TRACE_ID}-${SPAN_ID}-01` },
  ],
  [
    'a composite of W3C, baggage and B3',
    new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
        new B3Propagator(),
      ],
    }),
    { 'X-B3-TraceId': TRACE_ID, 'X-B3-SpanId': SPAN_ID, 'X-B3-Sampled': '1' },
  ],
];

describe('extraction with capitalised header keys', () => {
  afterEach(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));

  for (const [name, propagator, headers] of CASES) {
    for (const [shapeName, shape] of SHAPES) {
      it(`${name}, as ${shapeName}: the context is read`, () => {
        propagation.disable();
        propagation.setGlobalPropagator(propagator);
        const carrier = Object.fromEntries(
          Object.entries(headers).map(([key, value]) => [key, shape(value)]),
        );
        const extracted = new ContextExtractor().extract(carrier);
        assert.equal(extracted.status, 'valid');
        assert.equal(extracted.spanContext?.traceId, TRACE_ID);
        assert.equal(extracted.spanContext?.spanId, SPAN_ID);
        assert.equal(extracted.spanContext?.traceFlags, 1);
      });
    }
  }

  it('a capitalised but malformed context is counted invalid, not missing', () => {
    propagation.disable();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    assert.equal(new ContextExtractor().extract({ TraceParent: 'garbage' }).status, 'invalid');
    assert.equal(new ContextExtractor().extract({ other: 'x' }).status, 'missing');
  });
});

// Found by the fault suite (integration-tests/src/faults): Jaeger's propagator
// hands back ids it did not check (a tab, a BOM, a fullwidth digit), and fanin
// linked them; the others are held to the same rule.
describe('ids a propagator hands back without checking them', () => {
  afterEach(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));

  const spoil = (id: string, inserted: string) => `${id.slice(0, 10)}${inserted}${id.slice(11)}`;
  const NOT_HEX: Array<[string, string]> = [
    ['a byte order mark', '\ufeff'],
    ['a tab', '\t'],
    ['a fullwidth digit', '\uff10'],
    ['a letter past f', 'g'],
  ];
  type Carrier = (traceId: string, spanId: string) => Record<string, string>;
  const CARRIERS: Array<[string, TextMapPropagator, Carrier]> = [
    ['Jaeger', new JaegerPropagator(), (t, s) => ({ 'uber-trace-id': `${t}:${s}:0:1` })],
    ['B3 single', new B3Propagator(), (t, s) => ({ b3: `${t}-${s}-1` })],
    [
      'B3 multi',
      new B3Propagator(),
      (t, s) => ({ 'x-b3-traceid': t, 'x-b3-spanid': s, 'x-b3-sampled': '1' }),
    ],
  ];
  for (const [carrierName, propagator, carrier] of CARRIERS) {
    for (const [what, inserted] of NOT_HEX) {
      for (const [idName, headers] of [
        ['trace id', carrier(spoil(TRACE_ID, inserted), SPAN_ID)],
        ['span id', carrier(TRACE_ID, spoil(SPAN_ID, inserted))],
      ] as const) {
        it(`${carrierName}, a ${idName} with ${what}: never a span context that is not valid`, () => {
          propagation.disable();
          propagation.setGlobalPropagator(propagator);
          const extractor = new ContextExtractor();
          const extracted = extractor.extract(headers);
          // B3 single finds a well-formed 16-digit trace id after the spoiled part: its call.
          // (B3 with single-header injection names only `b3` in its fields: x-b3-* reads as missing.)
          if (extracted.spanContext === undefined) assert.notEqual(extracted.status, 'valid');
          else assert.equal(isSpanContextValid(extracted.spanContext), true);
          const found = extractor.spanContextOf(headers);
          if (typeof found === 'string') assert.notEqual(found, 'valid');
          else assert.equal(isSpanContextValid(found), true);
        });
      }
    }
    it(`${carrierName}, upper-case hex ids: what the API's isSpanContextValid says`, () => {
      propagation.disable();
      propagation.setGlobalPropagator(propagator);
      const extracted = new ContextExtractor().extract(
        carrier(TRACE_ID.toUpperCase(), SPAN_ID.toUpperCase()),
      );
      if (extracted.spanContext !== undefined) {
        assert.equal(isSpanContextValid(extracted.spanContext), true);
      }
    });
  }
});
