import type { Sample } from '../model';
import type { SpanCounts, Tracing } from '../tracing/install';
import { countAllocations } from './allocations';
import { collectGarbage, HeapPeak, heapUsed } from './heap';

/** What a window measured, less what the code under test says it handled. */
type Measured = Omit<Sample, 'messages' | 'calls'>;

/** An open measurement window; `close` flushes the span pipeline first. */
export interface Window {
  close(): Promise<Measured>;
}

export interface WindowOptions {
  /** Count the bytes allocated on the heap in the window (see allocations.ts). */
  allocations?: boolean;
}

/**
 * Empties the span pipeline and collects the heap, then returns the function
 * that opens the window (synchronously, so it can be called from an event
 * listener at the exact moment measuring should start). Closing the window
 * exports the spans still queued, so their export is paid inside it too.
 */
export async function prepareWindow(
  tracing: Tracing,
  options: WindowOptions = {},
): Promise<() => Window> {
  await tracing.flush();
  collectGarbage();
  return () => startWindow(tracing, options);
}

/** Prepares and opens a window at once. */
export async function openWindow(tracing: Tracing, options: WindowOptions = {}): Promise<Window> {
  return (await prepareWindow(tracing, options))();
}

function startWindow(tracing: Tracing, options: WindowOptions): Window {
  const heapAtStart = heapUsed();
  const countsAtStart = tracing.counts();
  const peak = new HeapPeak();
  const allocations = options.allocations ? countAllocations() : undefined;
  const cpuAtStart = process.cpuUsage();
  const wallAtStart = process.hrtime.bigint();
  return {
    async close() {
      await tracing.flush();
      const wallAtEnd = process.hrtime.bigint();
      const wallNs = Number(wallAtEnd - wallAtStart);
      const cpu = process.cpuUsage(cpuAtStart);
      const allocated = allocations?.stop();
      const heapPeak = peak.stop();
      const counts = difference(tracing.counts(), countsAtStart);
      return {
        wallNs,
        cpuUs: cpu.user + cpu.system,
        spansStarted: counts.started,
        spansEnded: counts.ended,
        spansExported: counts.exported,
        linksExported: counts.links,
        sampledLinksExported: counts.sampledLinks,
        rootDecisions: counts.rootDecisions,
        rootSampled: counts.rootSampled,
        ...(allocated ? { allocatedBytes: allocated.bytes } : {}),
        heapPeakBytes: Math.max(0, heapPeak - heapAtStart),
        startUs: Number(wallAtStart / 1000n),
        endUs: Number(wallAtEnd / 1000n),
      };
    },
  };
}

function difference(after: SpanCounts, before: SpanCounts): SpanCounts {
  return {
    started: after.started - before.started,
    ended: after.ended - before.ended,
    exported: after.exported - before.exported,
    links: after.links - before.links,
    sampledLinks: after.sampledLinks - before.sampledLinks,
    rootDecisions: after.rootDecisions - before.rootDecisions,
    rootSampled: after.rootSampled - before.rootSampled,
  };
}
