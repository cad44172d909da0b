import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_HEADER_LIMITS, headerKeys, headerSetter, readHeader } from './headers';

describe('readHeader', () => {
  it('reads strings, Buffers and Uint8Arrays', () => {
    const headers = {
      s: 'text',
      b: Buffer.from('buffered'),
      u: new TextEncoder().encode('bytes'),
    };
    assert.equal(readHeader(headers, 's'), 'text');
    assert.equal(readHeader(headers, 'b'), 'buffered');
    assert.equal(readHeader(headers, 'u'), 'bytes');
  });

  it('reads arrays of strings and Buffers, skipping what is not text', () => {
    const headers = { a: ['one', Buffer.from('two'), { nested: true }, null] };
    assert.deepEqual(readHeader(headers, 'a'), ['one', 'two']);
    assert.equal(readHeader({ a: [{}] }, 'a'), undefined);
  });

  it('reads AMQP table scalars as text and ignores nested tables', () => {
    const headers = { n: 42, t: true, big: 7n, table: { traceparent: 'x' }, nil: null };
    assert.equal(readHeader(headers, 'n'), '42');
    assert.equal(readHeader(headers, 't'), 'true');
    assert.equal(readHeader(headers, 'big'), '7');
    assert.equal(readHeader(headers, 'table'), undefined);
    assert.equal(readHeader(headers, 'nil'), undefined);
  });

  it('ignores values over the length cap instead of truncating them', () => {
    const limit = DEFAULT_HEADER_LIMITS.maxValueLength;
    assert.equal(readHeader({ k: 'x'.repeat(limit) }, 'k')?.length, limit);
    assert.equal(readHeader({ k: 'x'.repeat(limit + 1) }, 'k'), undefined);
    assert.equal(readHeader({ k: Buffer.alloc(limit + 1) }, 'k'), undefined);
  });

  it('reads at most maxArrayLength elements of an array', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
    assert.equal(
      (readHeader({ k: many }, 'k') as string[]).length,
      DEFAULT_HEADER_LIMITS.maxArrayLength,
    );
  });

  it('reads own properties only, never the prototype chain', () => {
    assert.equal(readHeader({}, 'constructor'), undefined);
    assert.equal(readHeader({}, '__proto__'), undefined);
    assert.equal(readHeader({}, 'toString'), undefined);
    const inherited = Object.create({ traceparent: 'inherited' }) as object;
    assert.equal(readHeader(inherited, 'traceparent'), undefined);
  });

  it('survives carriers that are not objects and getters that throw', () => {
    assert.equal(readHeader(undefined, 'k'), undefined);
    assert.equal(readHeader(null, 'k'), undefined);
    assert.equal(readHeader('traceparent', 'k'), undefined);
    const hostile = Object.defineProperty({}, 'k', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    assert.equal(readHeader(hostile, 'k'), undefined);
  });
});

describe('headerKeys', () => {
  it('lists own keys up to the cap', () => {
    const headers = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(headerKeys(headers).length, DEFAULT_HEADER_LIMITS.maxKeys);
    assert.deepEqual(headerKeys(Object.create({ inherited: 1 })), []);
    assert.deepEqual(headerKeys(undefined), []);
  });
});

describe('headerSetter', () => {
  it('refuses keys that would pollute a prototype', () => {
    const carrier: Record<string, unknown> = {};
    headerSetter.set(carrier, '__proto__', 'polluted');
    headerSetter.set(carrier, 'constructor', 'polluted');
    headerSetter.set(carrier, 'traceparent', 'ok');
    assert.equal(Object.getPrototypeOf(carrier), Object.prototype);
    assert.deepEqual(Object.keys(carrier), ['traceparent']);
  });
});

describe('readHeader without regard to case', () => {
  it('falls back to a key that differs only in case, when the exact one is absent', () => {
    const headers = { 'X-B3-TraceId': Buffer.from('abc'), traceparent: 'exact' };
    assert.equal(readHeader(headers, 'x-b3-traceid'), 'abc');
    assert.equal(readHeader(headers, 'traceparent'), 'exact');
    assert.equal(
      readHeader({ TRACEPARENT: 'upper', traceparent: 'lower' }, 'traceparent'),
      'lower',
    );
  });

  it('scans at most maxKeys keys, own ones only', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 100; i++) many[`k${i}`] = 'v';
    many.TraceParent = 'late';
    assert.equal(readHeader(many, 'traceparent'), undefined);
    assert.equal(
      readHeader(many, 'traceparent', { ...DEFAULT_HEADER_LIMITS, maxKeys: 200 }),
      'late',
    );
    const inherited = Object.create({ TraceParent: 'inherited' });
    assert.equal(readHeader(inherited, 'traceparent'), undefined);
  });

  it('never throws on a Proxy whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        has() {
          throw new Error('has');
        },
        ownKeys() {
          throw new Error('ownKeys');
        },
        getOwnPropertyDescriptor() {
          throw new Error('descriptor');
        },
      },
    );
    assert.equal(readHeader(hostile, 'traceparent'), undefined);
    assert.deepEqual(headerKeys(hostile), []);
  });
});
