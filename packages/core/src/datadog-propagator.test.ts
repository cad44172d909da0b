import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  context,
  createTraceState,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { DatadogPropagator } from './datadog-propagator';
import { headerGetter } from './headers';

const propagator = new DatadogPropagator();

// Expected values computed here independently of the implementation: the hex
// form of a decimal id is read back digit by digit with BigInt arithmetic.
function hexOfDecimal(decimal: string): string {
  let value = 0n;
  for (const digit of decimal) value = value * 10n + BigInt(digit.charCodeAt(0) - 48);
  const digits: string[] = [];
  for (let i = 0; i < 16; i++) {
    digits.unshift('0123456789abcdef'[Number(value % 16n)] as string);
    value /= 16n;
  }
  return digits.join('');
}

function extracted(
  carrier: unknown,
  getter: TextMapGetter = headerGetter,
): SpanContext | undefined {
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, getter));
}

const headers = (traceId: string, parentId: string, extra: Record<string, unknown> = {}) => ({
  'x-datadog-trace-id': traceId,
  'x-datadog-parent-id': parentId,
  ...extra,
});

describe('DatadogPropagator.extract', () => {
  const known: [string, string][] = [
    ['1', '0000000000000001'],
    ['255', '00000000000000ff'],
    ['9223372036854775807', '7fffffffffffffff'],
    ['9223372036854775808', '8000000000000000'],
    ['18446744073709551615', 'ffffffffffffffff'],
    ['1311768467463790320', '123456789abcdef0'],
  ];
  for (const [decimal, hex] of known) {
    it(`reads ${decimal} as ${hex}`, () => {
      assert.equal(hexOfDecimal(decimal), hex);
      const spanContext = extracted(headers(decimal, decimal));
      assert.equal(spanContext?.traceId, `0000000000000000${hex}`);
      assert.equal(spanContext?.spanId, hex);
    });
  }

  it('matches an independent conversion for generated ids', () => {
    let state = 0x2545f4914f6cdd1dn;
    for (let i = 0; i < 500; i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      const traceLow = (state || 1n).toString();
      const spanId = ((state >> 7n) | 1n).toString();
      const tid = (state ^ 0x9e3779b97f4a7c15n).toString(16).padStart(16, '0');
      const spanContext = extracted(
        headers(traceLow, spanId, { 'x-datadog-tags': `_dd.p.dm=-0,_dd.p.tid=${tid}` }),
      );
      assert.equal(spanContext?.traceId, `${tid}${hexOfDecimal(traceLow)}`);
      assert.equal(spanContext?.spanId, hexOfDecimal(spanId));
    }
  });

  it('gives a remote span context, sampled when the priority is above 0', () => {
    const priorities: [unknown, TraceFlags][] = [
      ['2', TraceFlags.SAMPLED],
      ['1', TraceFlags.SAMPLED],
      ['0', TraceFlags.NONE],
      ['-1', TraceFlags.NONE],
      [undefined, TraceFlags.NONE],
      ['yes', TraceFlags.NONE],
      ['1.5', TraceFlags.NONE],
      ['99999999', TraceFlags.NONE],
    ];
    for (const [priority, flags] of priorities) {
      const carrier = headers('5', '6', { 'x-datadog-sampling-priority': priority });
      const spanContext = extracted(carrier);
      assert.equal(spanContext?.traceFlags, flags, String(priority));
      assert.equal(spanContext?.isRemote, true);
      assert.equal(spanContext?.traceState, undefined);
    }
  });

  it('reads Kafka-style header values: Buffers and arrays (first element)', () => {
    const carrier = {
      'x-datadog-trace-id': Buffer.from('42'),
      'x-datadog-parent-id': [Buffer.from('43'), Buffer.from('44')],
      'x-datadog-sampling-priority': ['1'],
      'x-datadog-tags': Buffer.from('_dd.p.tid=66f1a2b300000000'),
    };
    const spanContext = extracted(carrier);
    assert.equal(spanContext?.traceId, '66f1a2b300000000000000000000002a');
    assert.equal(spanContext?.spanId, '000000000000002b');
    assert.equal(spanContext?.traceFlags, TraceFlags.SAMPLED);
    // The OpenTelemetry default getter hands arrays through as well.
    const viaDefault = extracted(
      { ...headers('7', '8'), 'x-datadog-trace-id': ['9', '7'] },
      defaultTextMapGetter,
    );
    assert.equal(viaDefault?.traceId, `${'0'.repeat(31)}9`);
  });

  it('keeps the origin in the tracestate dd member, as Datadog writes it in W3C headers', () => {
    const carrier = headers('5', '6', {
      'x-datadog-sampling-priority': '2',
      'x-datadog-origin': 'synthetics-browser',
    });
    assert.equal(extracted(carrier)?.traceState?.serialize(), 'dd=s:2;o:synthetics-browser');
    const odd = headers('5', '6', { 'x-datadog-origin': ' a=b,c;d~e\u00e9\t ' });
    assert.equal(extracted(odd)?.traceState?.serialize(), 'dd=o:a~b_c_d_e_');
    assert.equal(extracted(headers('5', '6', { 'x-datadog-origin': '  ' }))?.traceState, undefined);
  });

  const rejected: [string, Record<string, unknown>][] = [
    ['no headers', {}],
    ['no parent id', { 'x-datadog-trace-id': '1' }],
    ['no trace id', { 'x-datadog-parent-id': '1' }],
    ['zero trace id', headers('0', '1')],
    ['zero parent id', headers('1', '0')],
    ['trace id 2^64', headers('18446744073709551616', '1')],
    ['span id 2^64', headers('1', '18446744073709551616')],
    ['21 digits', headers('000000000000000000001', '1')],
    ['10,000 digits', headers('9'.repeat(10_000), '1')],
    ['negative', headers('-1', '1')],
    ['plus sign', headers('+1', '1')],
    ['exponent', headers('1e3', '1')],
    ['hex', headers('0x10', '1')],
    ['spaces', headers(' 1', '1 ')],
    ['empty', headers('', '')],
    ['Arabic-Indic digits', headers('\u0661\u0662', '1')],
    ['a number', headers(5 as unknown as string, '1')],
    ['an object', headers({ toString: () => '5' } as unknown as string, '1')],
    ['an empty array', headers([] as unknown as string, '1')],
    ['an invalid first element', headers(['x', '5'] as unknown as string, '1')],
    ['an oversized Buffer', headers(Buffer.alloc(10_000, 0x31) as unknown as string, '1')],
  ];
  // A getter that hands values through untouched, so the propagator's own checks are tried.
  const rawGetter: TextMapGetter<Record<string, unknown>> = {
    get: (carrier, key) => carrier[key] as string | undefined,
    keys: (carrier) => Object.keys(carrier),
  };
  for (const [what, carrier] of rejected) {
    it(`extracts nothing from ${what}`, () => {
      assert.equal(propagator.extract(ROOT_CONTEXT, carrier, rawGetter), ROOT_CONTEXT);
    });
  }

  it('ignores a _dd.p.tid that is not 16 hex digits, or tags over 512 characters', () => {
    const low = '0000000000000005';
    const cases: [string, string][] = [
      ['_dd.p.tid=66f1a2b3', `0000000000000000${low}`],
      ['_dd.p.tid=66f1a2b30000000g', `0000000000000000${low}`],
      ['_dd.p.tid=66F1A2B300000000', `66f1a2b300000000${low}`],
      ['_dd.p.dm=-4, _dd.p.tid = 66f1a2b300000000 ', `66f1a2b300000000${low}`],
      [`_dd.p.x=${'a'.repeat(500)},_dd.p.tid=66f1a2b300000000`, `0000000000000000${low}`],
      [',,,=,_dd.p.tid', `0000000000000000${low}`],
    ];
    for (const [tags, traceId] of cases) {
      assert.equal(
        extracted(headers('5', '6', { 'x-datadog-tags': tags }))?.traceId,
        traceId,
        tags,
      );
    }
  });

  it('never throws, even when the getter or the carrier does', () => {
    const throwing: TextMapGetter = {
      get: () => {
        throw new Error('hostile');
      },
      keys: () => [],
    };
    assert.equal(propagator.extract(ROOT_CONTEXT, {}, throwing), ROOT_CONTEXT);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile carrier');
        },
      },
    );
    assert.equal(propagator.extract(ROOT_CONTEXT, hostile, defaultTextMapGetter), ROOT_CONTEXT);
    assert.equal(propagator.extract(ROOT_CONTEXT, null, defaultTextMapGetter), ROOT_CONTEXT);
  });
});

describe('DatadogPropagator.inject', () => {
  const inject = (spanContext: SpanContext): Record<string, string> => {
    const carrier: Record<string, string> = {};
    propagator.inject(
      trace.setSpanContext(ROOT_CONTEXT, spanContext),
      carrier,
      defaultTextMapSetter,
    );
    return carrier;
  };

  it('writes decimal ids, the priority, and _dd.p.tid for a 128-bit trace id', () => {
    const carrier = inject({
      traceId: '66f1a2b300000000ffffffffffffffff',
      spanId: '8000000000000000',
      traceFlags: TraceFlags.SAMPLED,
    });
    assert.deepEqual(carrier, {
      'x-datadog-trace-id': (2n ** 64n - 1n).toString(),
      'x-datadog-parent-id': (2n ** 63n).toString(),
      'x-datadog-sampling-priority': '1',
      'x-datadog-tags': '_dd.p.tid=66f1a2b300000000',
    });
  });

  it('writes no _dd.p.tid for a 64-bit trace id, and priority 0 when not sampled', () => {
    const carrier = inject({
      traceId: '0000000000000000000000000000002a',
      spanId: '000000000000002b',
      traceFlags: TraceFlags.NONE,
    });
    assert.deepEqual(carrier, {
      'x-datadog-trace-id': '42',
      'x-datadog-parent-id': '43',
      'x-datadog-sampling-priority': '0',
    });
  });

  it('round-trips with extract, priority and origin included', () => {
    const original = extracted(
      headers('12345678901234567890', '98765432109876543', {
        'x-datadog-sampling-priority': '2',
        'x-datadog-tags': '_dd.p.tid=0123456789abcdef',
        'x-datadog-origin': 'rum',
      }),
    );
    assert.ok(original);
    const carrier = inject(original);
    assert.deepEqual(carrier, {
      'x-datadog-trace-id': '12345678901234567890',
      'x-datadog-parent-id': '98765432109876543',
      'x-datadog-sampling-priority': '2',
      'x-datadog-tags': '_dd.p.tid=0123456789abcdef',
      'x-datadog-origin': 'rum',
    });
    assert.deepEqual(extracted(carrier), original);
  });

  it('ignores a tracestate priority that contradicts the sampled flag', () => {
    const carrier = inject({
      traceId: '0000000000000000000000000000002a',
      spanId: '000000000000002b',
      traceFlags: TraceFlags.SAMPLED,
      traceState: createTraceState('dd=s:-1'),
    });
    assert.equal(carrier['x-datadog-sampling-priority'], '1');
  });

  it('writes nothing for an invalid span context, or one whose lower 64 trace-id bits are 0', () => {
    assert.deepEqual(inject(trace.wrapSpanContext({} as SpanContext).spanContext()), {});
    assert.deepEqual(
      inject({
        traceId: `${'1'.repeat(16)}${'0'.repeat(16)}`,
        spanId: '1'.repeat(16),
        traceFlags: 1,
      }),
      {},
    );
    const carrier: Record<string, string> = {};
    propagator.inject(context.active(), carrier, defaultTextMapSetter);
    assert.deepEqual(carrier, {});
  });

  it('never throws when the setter does', () => {
    const spanContext = { traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 };
    assert.doesNotThrow(() =>
      propagator.inject(
        trace.setSpanContext(ROOT_CONTEXT, spanContext),
        {},
        {
          set: () => {
            throw new Error('hostile setter');
          },
        },
      ),
    );
  });

  it('names its five headers in fields()', () => {
    assert.deepEqual(propagator.fields(), [
      'x-datadog-trace-id',
      'x-datadog-parent-id',
      'x-datadog-sampling-priority',
      'x-datadog-tags',
      'x-datadog-origin',
    ]);
  });
});
