import { linkAwareSamplerClass, NO_LINK_AWARE_SAMPLER } from '../tracing/link-aware-sampler';
import type { RunContext } from './context';
import { inProcessRows } from './in-process-rows';
import { rotated } from './rotation';

const TIMEOUT_MS = 600_000;

/**
 * Cases 1 and 4 (kafkajs, in process): for every repetition, every row
 * (see in-process-rows.ts), every mode of the row in rotated order, one
 * worker process that warms up and measures `rounds` rounds. The mode that
 * needs @fanin/core's LinkAwareSampler is marked unavailable, not run, while
 * core has none.
 */
export async function runInProcessCases(context: RunContext): Promise<void> {
  const { settings } = context;
  const rows = inProcessRows(settings).filter((row) => context.selected([row.key]).length > 0);
  const linkAwareSampler = linkAwareSamplerClass() !== undefined;
  for (const row of rows) {
    context.plan([row.key], row.modes);
    if (!linkAwareSampler && context.modesOf(row.modes).includes('fanin-link-sampler')) {
      context.collector.markUnavailable(row.key, 'fanin-link-sampler', NO_LINK_AWARE_SAMPLER);
    }
  }
  const runnable = (row: (typeof rows)[number]) =>
    context.modesOf(row.modes).filter((mode) => linkAwareSampler || mode !== 'fanin-link-sampler');
  const repetitions = context.repetitions(settings.processes);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [index, row] of rows.entries()) {
      for (const mode of rotated(runnable(row), repetition + index)) {
        await context.run(row.key, row.job(mode), repetition, TIMEOUT_MS);
      }
    }
  }
}
