import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from './batcher';

describe('Batcher', () => {
  it('hands over a batch as soon as it is full', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const batches: number[][] = [];
    const batcher = new Batcher<number>({ maxItems: 3, maxWaitMs: 1000 }, (b) => batches.push(b));
    for (const n of [1, 2, 3, 4]) batcher.add(n);
    assert.deepEqual(batches, [[1, 2, 3]]);
    assert.equal(batcher.size, 1);
  });

  it('hands over a partial batch maxWaitMs after its first item, not its last', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const batches: number[][] = [];
    const batcher = new Batcher<number>({ maxItems: 10, maxWaitMs: 1000 }, (b) => batches.push(b));
    batcher.add(1);
    t.mock.timers.tick(600);
    batcher.add(2);
    t.mock.timers.tick(399);
    assert.deepEqual(batches, []);
    t.mock.timers.tick(1);
    assert.deepEqual(batches, [[1, 2]]);
    batcher.add(3);
    t.mock.timers.tick(999);
    assert.deepEqual(batches, [[1, 2]]);
    t.mock.timers.tick(1);
    assert.deepEqual(batches, [[1, 2], [3]]);
  });

  it('starts no timer while empty, and a full batch cancels its timer', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const batches: number[][] = [];
    const batcher = new Batcher<number>({ maxItems: 2, maxWaitMs: 100 }, (b) => batches.push(b));
    t.mock.timers.tick(1000);
    batcher.add(1);
    batcher.add(2);
    t.mock.timers.tick(1000);
    assert.deepEqual(batches, [[1, 2]]);
  });

  it('flushes on demand, and discards without handing over', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const batches: number[][] = [];
    const batcher = new Batcher<number>({ maxItems: 10, maxWaitMs: 100 }, (b) => batches.push(b));
    batcher.flush();
    batcher.add(1);
    batcher.flush();
    batcher.add(2);
    assert.deepEqual(batcher.discard(), [2]);
    t.mock.timers.tick(1000);
    assert.deepEqual(batches, [[1]]);
  });

  it('uses an unref timer, so a partial batch never keeps the process alive', () => {
    const original = globalThis.setTimeout;
    let unrefed = false;
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      const timer = original(fn, ms);
      const unref = timer.unref.bind(timer);
      timer.unref = () => {
        unrefed = true;
        return unref();
      };
      return timer;
    }) as typeof setTimeout;
    try {
      const batcher = new Batcher<number>({ maxItems: 10, maxWaitMs: 60_000 }, () => {});
      batcher.add(1);
      batcher.discard();
    } finally {
      globalThis.setTimeout = original;
    }
    assert.equal(unrefed, true);
  });
});
