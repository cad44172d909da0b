export interface BatcherLimits {
  /** A batch is handed over as soon as it holds this many items. */
  maxItems: number;
  /** ...or this long after its first item arrived, whichever comes first. */
  maxWaitMs: number;
}

/**
 * Collects items into batches of at most `maxItems`, handing a batch over
 * when it is full or `maxWaitMs` after its first item. The timer is unref'd:
 * a partly filled batch never keeps the process alive.
 */
export class Batcher<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: BatcherLimits,
    private readonly onBatch: (items: T[]) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.limits.maxItems) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.limits.maxWaitMs);
      this.timer.unref();
    }
  }

  /** Hands over what was collected, if anything, now. */
  flush(): void {
    const batch = this.discard();
    if (batch.length > 0) this.onBatch(batch);
  }

  /** Takes what was collected without handing it over. */
  discard(): T[] {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.items;
    this.items = [];
    return batch;
  }
}
