// Hostile header sets, generated from a seed: what a producer written in any
// language, a buggy proxy or an attacker can put on a message. `wire` sets
// travel through the real broker; `in-process` values (throwing getters,
// Proxies, non-objects) cannot, and are handed to the real library's
// dispatch path in place of a carried message's headers (seams.ts).
import { Seeded } from './seeded';

export type Wire = 'kafka' | 'amqp';

/** One generated header set that a broker can carry. */
export interface WireHeaderSet {
  kind: 'wire';
  headers: Record<string, unknown>;
  /** What the set holds, for the figures: e.g. `traceparent:overlong`. */
  tags: string[];
}

/** One hostile value that replaces a message's headers inside the process. */
export interface InProcessHeaderSet {
  kind: 'in-process';
  label: string;
  /** A fresh hostile value (some are stateful). */
  make(): unknown;
}

export type HeaderSet = WireHeaderSet | InProcessHeaderSet;

const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
];

const TRACE_HEADERS = [
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'uber-trace-id',
  'uberctx-tenant',
  'baggage',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
] as const;
type TraceHeader = (typeof TRACE_HEADERS)[number];

/** The names under which `header` is written: lower, Train-Case, UPPER, or any case. */
function capitalised(rng: Seeded, header: string): string {
  switch (rng.int(0, 5)) {
    case 0:
      return header.replace(
        /(^|-)([a-z])/g,
        (_, dash: string, c: string) => dash + c.toUpperCase(),
      );
    case 1:
      return header.toUpperCase();
    case 2:
      return [...header].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join('');
    case 3:
      // B3 as the Java agent writes it.
      return header.replace(
        /^x-b3-(\w+)/,
        (_, rest: string) => `X-B3-${rest[0]?.toUpperCase()}${rest.slice(1)}`,
      );
    default:
      return header;
  }
}

function traceId(rng: Seeded): string {
  return rng.chance(0.2) ? rng.hex(16) : rng.hex(32);
}

/** A well-formed value of `header`. */
function validValue(rng: Seeded, header: TraceHeader): string {
  switch (header) {
    case 'traceparent':
      return `00-${rng.hex(32)}-${rng.hex(16)}-${rng.pick(['01', '00', '03'])}`;
    case 'tracestate':
      return Array.from({ length: rng.int(1, 4) }, (_, i) => `v${i}=${rng.hex(8)}`).join(',');
    case 'b3': {
      const parts = [traceId(rng), rng.hex(16), rng.pick(['1', '0', 'd'])];
      if (rng.chance(0.3)) parts.push(rng.hex(16));
      return rng.chance(0.1) ? rng.pick(['0', '1', 'd']) : parts.join('-');
    }
    case 'x-b3-traceid':
      return traceId(rng);
    case 'x-b3-spanid':
    case 'x-b3-parentspanid':
      return rng.hex(16);
    case 'x-b3-sampled':
      return rng.pick(['1', '0', 'true', 'false', 'd']);
    case 'x-b3-flags':
      return rng.pick(['1', '0']);
    case 'uber-trace-id': {
      const value = `${traceId(rng)}:${rng.hex(16)}:0:${rng.pick(['1', '0', '3'])}`;
      return rng.chance(0.2) ? encodeURIComponent(value) : value;
    }
    case 'uberctx-tenant':
      return uriEncoded(rng.text(rng.int(1, 12)));
    case 'baggage':
      return Array.from(
        { length: rng.int(1, 5) },
        (_, i) => `k${i}=${uriEncoded(rng.text(rng.int(0, 8)))}${rng.chance(0.3) ? ';p=1' : ''}`,
      ).join(',');
    case 'x-datadog-trace-id':
    case 'x-datadog-parent-id':
      return String(rng.int(0, 2 ** 52));
  }
}

/** Percent-encoded, after UTF-8 has replaced any lone surrogate. */
const uriEncoded = (text: string) => encodeURIComponent(Buffer.from(text).toString());

const OVERLONG_LENGTHS = [256, 513, 4_097, 8_193, 20_000] as const;

/** A value of `header`: well-formed, or broken in one to three ways. */
function traceValue(rng: Seeded, header: TraceHeader, maxLength: number, tags: string[]): string {
  let value = validValue(rng, header);
  if (rng.chance(0.35)) {
    tags.push(`${header}:valid`);
    return value;
  }
  for (let i = rng.int(1, 3); i > 0; i--) {
    const mutation = rng.int(0, 9);
    const capped = mutation === 5 && maxLength < OVERLONG_LENGTHS[0];
    tags.push(`${header}:${capped ? 'extended' : MUTATIONS[mutation]}`);
    switch (mutation) {
      case 0:
        value = value.slice(0, rng.int(0, value.length));
        break;
      case 1:
        value += rng.text(rng.int(1, 20));
        break;
      case 2: {
        const at = rng.int(0, value.length);
        value = value.slice(0, at) + rng.text(rng.int(1, 3)) + value.slice(at + 1);
        break;
      }
      case 3:
        value = value.toUpperCase();
        break;
      case 4:
        value = value.replace(/[0-9a-f]/g, '0');
        break;
      case 5: {
        const length = Math.min(rng.pick(OVERLONG_LENGTHS), maxLength);
        value = (value || 'x')
          .repeat(Math.ceil(length / Math.max(1, value.length)))
          .slice(0, length);
        break;
      }
      case 6:
        value = ` \t${value}\t `;
        break;
      case 7:
        value = '';
        break;
      case 8:
        value = rng.text(rng.int(1, 80));
        break;
      default:
        value = value.replace(/^00-/, rng.pick(['ff-', '01-', 'zz-', '0-', '000-']));
    }
  }
  return value;
}

const MUTATIONS = [
  'truncated',
  'extended',
  'unicode',
  'upper-case',
  'zero-ids',
  'overlong',
  'whitespace',
  'empty',
  'garbage',
  'version',
];

/** Defines `key` as an own, enumerable data property (even `__proto__`). */
function put(into: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}

/** amqplib's encoder calls `value.hasOwnProperty('!')` on every table: it cannot send that key. */
const AMQP_UNSENDABLE_KEYS = ['hasOwnProperty'];

function junkKey(rng: Seeded, maxKeyBytes: number): string {
  const keys =
    maxKeyBytes <= 255
      ? PROTOTYPE_KEYS.filter((k) => !AMQP_UNSENDABLE_KEYS.includes(k))
      : PROTOTYPE_KEYS;
  const key = rng.chance(0.2) ? rng.pick(keys) : rng.text(rng.int(0, 24));
  return truncateBytes(key, maxKeyBytes);
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = text;
  while (Buffer.byteLength(out) > maxBytes) out = out.slice(0, -1);
  return out;
}

/** A Kafka header value: a string, its bytes, random bytes, or several values. */
function kafkaValue(rng: Seeded, text: () => string): unknown {
  const roll = rng.next();
  if (roll < 0.55) return text();
  if (roll < 0.8) return Buffer.from(text());
  if (roll < 0.87) return rng.bytes(rng.int(0, 80));
  return Array.from({ length: rng.int(1, 3) }, () =>
    rng.chance(0.5) ? text() : Buffer.from(text()),
  );
}

/** An AMQP field value: anything amqplib can encode, nested tables and arrays included. */
function amqpValue(rng: Seeded, text: () => string, depth = 0): unknown {
  const roll = rng.next();
  if (roll < 0.5) return text();
  if (roll < 0.62) return Buffer.from(text());
  if (roll < 0.67) return rng.bytes(rng.int(0, 60));
  if (roll < 0.72)
    return rng.pick([
      0,
      1,
      -1,
      127,
      128,
      -32769,
      2 ** 31,
      -(2 ** 40),
      3.5,
      -2.5e-8,
      // (NaN and Infinity: amqplib encodes them as 64-bit integers, and throws.)
    ]);
  if (roll < 0.75) return rng.chance(0.5);
  if (roll < 0.78) return null;
  if (roll < 0.8) return { '!': 'timestamp', value: rng.int(0, 2 ** 40) };
  if (roll < 0.81)
    return { '!': 'decimal', value: { places: rng.int(0, 5), digits: rng.int(0, 2 ** 31) } };
  if (depth >= 3) return text();
  if (roll < 0.9)
    return Array.from({ length: rng.int(0, 4) }, () => amqpValue(rng, text, depth + 1));
  const table: Record<string, unknown> = {};
  for (let i = rng.int(0, 4); i > 0; i--) {
    const key = rng.chance(0.3) ? rng.pick(TRACE_HEADERS) : junkKey(rng, 255);
    put(table, key, amqpValue(rng, text, depth + 1));
  }
  return table;
}

export interface WireLimits {
  /** Longest key in bytes (AMQP keys are short strings: 255). */
  maxKeyBytes: number;
  /** Longest overlong value in characters (AMQP headers must fit in one frame). */
  maxValueLength: number;
}

export const WIRE_LIMITS: Record<Wire, WireLimits> = {
  kafka: { maxKeyBytes: 4_096, maxValueLength: 20_000 },
  amqp: { maxKeyBytes: 255, maxValueLength: 5_000 },
};

/** One header set a broker can carry, for `wire`. */
export function wireHeaderSet(rng: Seeded, wire: Wire): WireHeaderSet {
  const limits = WIRE_LIMITS[wire];
  const headers: Record<string, unknown> = {};
  const tags: string[] = [];
  let overlongLeft = 1;
  const fieldValue = wire === 'kafka' ? kafkaValue : amqpValue;
  for (let i = rng.int(1, 6); i > 0; i--) {
    const header = rng.pick(TRACE_HEADERS);
    const key = truncateBytes(capitalised(rng, header), limits.maxKeyBytes);
    const text = () => {
      const value = traceValue(rng, header, overlongLeft > 0 ? limits.maxValueLength : 64, tags);
      if (value.length > 64) overlongLeft--;
      return value;
    };
    put(headers, key, fieldValue(rng, text));
  }
  for (let i = rng.chance(0.4) ? rng.int(1, 4) : 0; i > 0; i--) {
    const key = junkKey(rng, limits.maxKeyBytes);
    if (PROTOTYPE_KEYS.includes(key)) tags.push(`key:${key}`);
    put(
      headers,
      key,
      fieldValue(rng, () => rng.text(rng.int(0, 30))),
    );
  }
  if (rng.chance(0.03)) {
    // Far more keys than any reader should look through.
    tags.push('keys:many');
    for (let i = rng.int(300, 1_500); i > 0; i--) put(headers, `k${i}-${rng.hex(4)}`, 'v');
    put(headers, 'traceparent', validValue(rng, 'traceparent'));
  }
  if (wire === 'kafka' && rng.chance(0.03)) {
    tags.push('key:overlong');
    put(headers, 'x'.repeat(rng.int(256, limits.maxKeyBytes)), 'v');
  }
  return { kind: 'wire', headers, tags };
}

function throwing(message: string): () => never {
  return () => {
    throw new Error(message);
  };
}

/** A Proxy whose every trap throws. */
function throwingProxy(target: object = {}): object {
  const trap = throwing('hostile proxy trap');
  return new Proxy(target, {
    get: trap,
    has: trap,
    ownKeys: trap,
    getOwnPropertyDescriptor: trap,
    getPrototypeOf: trap,
    set: trap,
    defineProperty: trap,
    deleteProperty: trap,
  });
}

/** A value that throws when anything makes it a primitive. */
function unprintable(): object {
  return {
    toString: throwing('hostile toString'),
    valueOf: throwing('hostile valueOf'),
    [Symbol.toPrimitive]: throwing('hostile toPrimitive'),
  };
}

function getterHeaders(keys: readonly string[], get: (key: string) => unknown): object {
  const headers = {};
  for (const key of keys) {
    Object.defineProperty(headers, key, {
      enumerable: true,
      configurable: true,
      get: () => get(key),
    });
  }
  return headers;
}

const VALID_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Every in-process hostile value, by label; `inProcessHeaderSet` picks one. */
const IN_PROCESS: Array<[string, (rng: Seeded) => unknown]> = [
  ['a Proxy whose every trap throws', () => throwingProxy()],
  [
    'a revoked Proxy',
    () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    },
  ],
  [
    'a Proxy whose ownKeys break the invariants',
    () =>
      new Proxy(Object.preventExtensions({ traceparent: VALID_TRACEPARENT }), {
        ownKeys: () => ['traceparent', 'extra', 'extra'],
      }),
  ],
  [
    'a Proxy answering a new garbage value at every read',
    (rng) =>
      new Proxy(
        {},
        {
          get: () =>
            rng.pick([
              rng.text(60),
              rng.bytes(55),
              42,
              null,
              [VALID_TRACEPARENT, 1],
              unprintable(),
            ]),
          has: () => true,
          ownKeys: () => ['traceparent', 'tracestate', 'b3', 'baggage'],
          getOwnPropertyDescriptor: () => ({
            enumerable: true,
            configurable: true,
            value: rng.text(10),
          }),
        },
      ),
  ],
  [
    'a throwing traceparent getter',
    () => getterHeaders(['traceparent'], throwing('hostile getter')),
  ],
  [
    'throwing getters on every propagation key',
    () => getterHeaders(TRACE_HEADERS, throwing('hostile getter')),
  ],
  [
    'a traceparent getter that changes its answer',
    () => {
      let reads = 0;
      return getterHeaders(['traceparent'], () => (reads++ === 0 ? VALID_TRACEPARENT : 'garbage'));
    },
  ],
  [
    'a value whose toString and valueOf throw',
    () => ({ traceparent: unprintable(), baggage: unprintable() }),
  ],
  [
    'a Proxy as the traceparent value',
    () => ({ traceparent: throwingProxy(), tracestate: throwingProxy([]) }),
  ],
  [
    'an array holding a Proxy and a hole',
    () => ({
      // biome-ignore lint/suspicious/noSparseArray: a hole, on purpose
      traceparent: [throwingProxy(), , VALID_TRACEPARENT],
    }),
  ],
  [
    'a Buffer whose toString throws',
    () => {
      const buffer = Buffer.from(VALID_TRACEPARENT);
      Object.defineProperty(buffer, 'toString', { value: throwing('hostile Buffer.toString') });
      return { traceparent: buffer };
    },
  ],
  [
    'a Uint8Array, not a Buffer',
    () => ({ traceparent: new TextEncoder().encode(VALID_TRACEPARENT) }),
  ],
  [
    'an own __proto__ key holding a traceparent object',
    () => {
      const headers = {};
      Object.defineProperty(headers, '__proto__', {
        value: { traceparent: VALID_TRACEPARENT, polluted: true },
        enumerable: true,
      });
      return headers;
    },
  ],
  [
    'constructor and prototype keys holding objects',
    () =>
      JSON.parse('{"constructor":{"prototype":{"polluted":true}},"__proto__":{"polluted":true}}'),
  ],
  [
    'an object without a prototype',
    () => Object.assign(Object.create(null), { traceparent: VALID_TRACEPARENT }),
  ],
  [
    'a traceparent inherited from the prototype',
    () => Object.create({ traceparent: VALID_TRACEPARENT }),
  ],
  ['a frozen object', () => Object.freeze({ traceparent: VALID_TRACEPARENT, tracestate: 'a=b' })],
  ['Symbol keys', () => ({ [Symbol('traceparent')]: VALID_TRACEPARENT, [Symbol.iterator]: 1 })],
  ['a number', () => 42],
  ['a string', () => VALID_TRACEPARENT],
  ['a boolean', () => true],
  ['a bigint', () => 10n],
  ['a Symbol', () => Symbol('headers')],
  ['null', () => null],
  ['undefined', () => undefined],
  [
    'a function with a traceparent property',
    () => Object.assign(() => {}, { traceparent: VALID_TRACEPARENT }),
  ],
  ['an array', () => [VALID_TRACEPARENT, Buffer.from(VALID_TRACEPARENT)]],
  ['a Map', () => new Map([['traceparent', VALID_TRACEPARENT]])],
  ['a Date', () => new Date(0)],
  ['a Buffer', () => Buffer.from(VALID_TRACEPARENT)],
  [
    '5,000 keys',
    () => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < 5_000; i++) headers[`k${i}`] = 'v';
      headers.TRACEPARENT = VALID_TRACEPARENT;
      return headers;
    },
  ],
  [
    'numbers and nulls as propagation values',
    () => ({
      traceparent: 7,
      tracestate: null,
      b3: Number.NaN,
      'uber-trace-id': -1,
      baggage: { nested: { table: [1, 2] } },
    }),
  ],
];

export const IN_PROCESS_LABELS: readonly string[] = IN_PROCESS.map(([label]) => label);

/**
 * A hostile value made when the message reaches the seam, from a random
 * source of its own: the order deliveries arrive in cannot change the sets
 * that follow, so a seed always makes the same sets.
 */
function inProcessSet(rng: Seeded, [label, make]: (typeof IN_PROCESS)[number]): InProcessHeaderSet {
  const own = rng.int(0, 2 ** 31);
  return { kind: 'in-process', label, make: () => make(new Seeded(own)) };
}

export function inProcessHeaderSet(rng: Seeded): InProcessHeaderSet {
  return inProcessSet(rng, rng.pick(IN_PROCESS));
}

/**
 * Header sets from `seed`, taken in chunks: mostly sets the broker carries,
 * a share `inProcessShare` of in-process hostile values, and every
 * in-process kind once among the first sets.
 */
export class HeaderSetSource {
  private readonly rng: Seeded;
  private taken = 0;

  constructor(
    seed: number,
    private readonly wire: Wire,
    private readonly inProcessShare = 0.15,
  ) {
    this.rng = new Seeded(seed);
  }

  take(count: number): HeaderSet[] {
    const sets: HeaderSet[] = [];
    for (let i = 0; i < count; i++, this.taken++) {
      const kind = IN_PROCESS[this.taken];
      if (kind !== undefined) sets.push(inProcessSet(this.rng, kind));
      else if (this.rng.chance(this.inProcessShare)) sets.push(inProcessHeaderSet(this.rng));
      else sets.push(wireHeaderSet(this.rng, this.wire));
    }
    return sets;
  }
}
