import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Allocations, countAllocations } from './allocations';
import { collectGarbage } from './heap';

/** Bytes of a V8 tagged slot: 8, or 4 in builds with pointer compression. */
const TAGGED = (process.config.variables as { v8_enable_pointer_compression?: unknown })
  .v8_enable_pointer_compression
  ? 4
  : 8;
/** `new Array(n)`: a JSArray (map, properties, elements, length) and a FixedArray (map, length, n slots). */
const arrayBytes = (length: number) => 4 * TAGGED + (2 + length) * TAGGED;

/** Allocates `count` arrays of `length` slots; keeps them all, or only the last. */
function allocateArrays(count: number, length: number, keep: boolean): unknown {
  const kept: unknown[] = keep ? new Array(count) : [];
  let last: unknown;
  for (let i = 0; i < count; i++) {
    last = new Array(length);
    if (keep) kept[i] = last;
  }
  return keep ? kept : last;
}

function measure(count: number, length: number, keep: boolean): Allocations {
  collectGarbage();
  const allocation = countAllocations();
  const result = allocateArrays(count, length, keep);
  const allocations = allocation.stop();
  assert.ok(result);
  return allocations;
}

describe('countAllocations', () => {
  // As in the measured windows: no garbage left from before (see allocations.ts).
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'function', 'run with --expose-gc');
  // Compiled and its feedback allocated before anything is measured.
  allocateArrays(100, 10, true);
  allocateArrays(100, 10, false);

  // Kept (promoted to the old generation), or allocated and dropped, which
  // only adds up if what the collections freed is counted. Small arrays, as
  // the handlers allocate: see allocations.ts on larger young objects.
  const cases: Array<[string, number, number, boolean]> = [
    ['arrays kept alive (17 MB)', 20_000, 100, true],
    ['arrays dropped at once (170 MB, scavenges)', 200_000, 100, false],
    ['tiny arrays dropped at once (56 MB)', 500_000, 8, false],
    ['large-object arrays dropped at once (320 MB)', 400, 100_000, false],
  ];
  for (const [name, count, length, keep] of cases) {
    it(`counts ${name}: no less, and at most 3 % more (V8's own bookkeeping)`, () => {
      const expected = count * arrayBytes(length) + (keep ? arrayBytes(count) : 0);
      const { bytes, collections } = measure(count, length, keep);
      const error = (bytes - expected) / expected;
      assert.ok(error > -0.005 && error < 0.03, `measured ${bytes} B, expected ${expected} B`);
      if (!keep) assert.ok(collections > 0, 'no garbage collection ran');
    });
  }

  it('counts no more than its own overhead when nothing is allocated', () => {
    collectGarbage();
    const { bytes } = countAllocations().stop();
    assert.ok(bytes >= 0 && bytes < 65_536, `measured ${bytes} B`);
  });
});
