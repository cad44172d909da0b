import type { Mode } from './model';

/** What a mode asks of a worker: which instrumentation, which hand-written wrapper, which sampler. */
export interface ModeInfo {
  /** The instrumentation registered before the client library loads. */
  instrumentation: 'none' | 'official' | 'fanin';
  /** The reference fan-in wrapped around the uninstrumented eachBatch handler, if any. */
  floor?: { linkAttributes: boolean };
  /** Whether the SDK sampler (sampling rows) is wrapped in @fanin/core's LinkAwareSampler. */
  linkAwareSampler: boolean;
  /**
   * Whether an SDK MeterProvider is registered too, so the instrumentation
   * (or, in `floor-metrics`, the hand-written eachMessage reference) records
   * its metrics.
   */
  metrics?: boolean;
}

const MODE_INFO: Record<Mode, ModeInfo> = {
  none: { instrumentation: 'none', linkAwareSampler: false },
  official: { instrumentation: 'official', linkAwareSampler: false },
  fanin: { instrumentation: 'fanin', linkAwareSampler: false },
  'fanin-metrics': { instrumentation: 'fanin', linkAwareSampler: false, metrics: true },
  floor: { instrumentation: 'none', floor: { linkAttributes: true }, linkAwareSampler: false },
  'floor-bare': {
    instrumentation: 'none',
    floor: { linkAttributes: false },
    linkAwareSampler: false,
  },
  'floor-metrics': {
    instrumentation: 'none',
    floor: { linkAttributes: true },
    linkAwareSampler: false,
    metrics: true,
  },
  'fanin-link-sampler': { instrumentation: 'fanin', linkAwareSampler: true },
};

export function modeInfo(mode: Mode): ModeInfo {
  return MODE_INFO[mode];
}

/** Whether the mode records spans at all (every mode but `none`). */
export function isTraced(mode: Mode): boolean {
  return mode !== 'none';
}

/** Whether the mode links a batch span to its producers (fanin and the floor). */
export function linksProducers(mode: Mode): boolean {
  const info = modeInfo(mode);
  return info.instrumentation === 'fanin' || info.floor !== undefined;
}
