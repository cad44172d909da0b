import { testTraceparent } from '@fanin/test-utils';

/** W3C headers of test producer `n`, as an AMQP table (a Buffer value, as from the wire). */
export function producerHeaders(n: number): Record<string, unknown> {
  return { traceparent: Buffer.from(testTraceparent(n)), 'x-app': 'fanin-test' };
}

/** AMQP header tables a hostile or careless producer could send. */
export const HOSTILE_HEADERS: readonly unknown[] = [
  undefined,
  null,
  {},
  { traceparent: 'garbage' },
  { traceparent: 42 },
  { traceparent: { nested: { table: testTraceparent(1) } } },
  { traceparent: [{ deep: [1, 2, 3] }, null] },
  { traceparent: Buffer.alloc(100_000, 0x41) },
  { traceparent: `${testTraceparent(1)}${'x'.repeat(1_000_000)}` },
  { traceparent: Buffer.from([0xff, 0xfe, 0xfd]) },
  JSON.parse(`{"__proto__": {"traceparent": "${testTraceparent(1)}"}, "constructor": 1}`),
  Object.defineProperty({}, 'traceparent', {
    enumerable: true,
    get() {
      throw new Error('hostile getter');
    },
  }),
  'not a table',
  12345,
];

/** Resolves after pending microtasks and one macrotask turn. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
