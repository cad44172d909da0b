import { GCProfiler } from 'node:v8';
import { heapUsed } from './heap';

/** Counting bytes allocated on the V8 heap from `countAllocations()` to `stop()`. */
export interface AllocationCount {
  stop(): Allocations;
}

export interface Allocations {
  /** Bytes allocated since the count started. */
  bytes: number;
  /** Garbage collections in between. */
  collections: number;
}

/**
 * Bytes allocated = (heap used at the end − heap used at the start) + what
 * every garbage collection in between freed (heap used before it − after
 * it), the collections as `v8.GCProfiler` reports them. Objects that were
 * alive at the start and freed in between cancel out (they leave the end
 * figure lower by what the collections add back), but garbage already
 * lying in the heap at the start would be counted when it is collected: so
 * start right after a full collection, as the measured windows do. What
 * V8 allocates for its own bookkeeping is included: allocation mementos
 * behind young objects whose allocation site it follows, the unused end of
 * a young-generation page the next object did not fit into; a couple of
 * percent at most (see the test). Counts the V8 heap only: memory outside
 * it, such as the backing stores of Buffers, is not included.
 */
export function countAllocations(): AllocationCount {
  const profiler = new GCProfiler();
  const atStart = heapUsed();
  profiler.start();
  return {
    stop() {
      const atEnd = heapUsed();
      const { statistics } = profiler.stop();
      let freed = 0;
      for (const gc of statistics) {
        freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
      }
      return { bytes: atEnd - atStart + freed, collections: statistics.length };
    },
  };
}
