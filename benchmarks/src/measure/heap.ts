import { getHeapStatistics } from 'node:v8';

const SAMPLE_EVERY_MS = 20;

/** Runs a full garbage collection when the process was started with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

export function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/**
 * Follows the highest heap use while a window is open, from a timer (which
 * runs whenever the measured code yields to the event loop, as consumers do).
 */
export class HeapPeak {
  private peak = heapUsed();
  private readonly timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);

  constructor() {
    this.timer.unref();
  }

  sample(): void {
    const used = heapUsed();
    if (used > this.peak) this.peak = used;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
