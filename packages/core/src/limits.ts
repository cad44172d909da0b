import { warnOnce } from './diagnostics';

/**
 * What happens to links past `maxLinksPerSpan`:
 * - `spill`: they go onto child spans of the fan-in span, each within the cap,
 *   so every producer stays reachable from the one processing span;
 * - `drop`: they are left out, and the span counts them.
 */
export type OverflowPolicy = 'spill' | 'drop';

export interface LinkLimits {
  /** Most links on any one span (default 128, the OpenTelemetry SDK's `linkCountLimit`). */
  maxLinksPerSpan: number;
  /** What to do with links past the cap (default `spill`). */
  overflow: OverflowPolicy;
}

export const DEFAULT_MAX_LINKS_PER_SPAN = 128;

export const DEFAULT_LINK_LIMITS: Readonly<LinkLimits> = Object.freeze({
  maxLinksPerSpan: DEFAULT_MAX_LINKS_PER_SPAN,
  overflow: 'spill',
});

/** Link limits from user config; an invalid value falls back to its default, with a warning. */
export function resolveLinkLimits(config: Partial<LinkLimits> | undefined): LinkLimits {
  let maxLinksPerSpan = config?.maxLinksPerSpan ?? DEFAULT_MAX_LINKS_PER_SPAN;
  if (!Number.isInteger(maxLinksPerSpan) || maxLinksPerSpan < 1) {
    warnOnce(
      'FANIN_INVALID_OPTION',
      `fanin: maxLinksPerSpan must be a whole number >= 1, got ${String(maxLinksPerSpan)}; using ${DEFAULT_MAX_LINKS_PER_SPAN}`,
      `maxLinksPerSpan=${String(maxLinksPerSpan)}`,
    );
    maxLinksPerSpan = DEFAULT_MAX_LINKS_PER_SPAN;
  }
  let overflow = config?.overflow ?? 'spill';
  if (overflow !== 'spill' && overflow !== 'drop') {
    warnOnce(
      'FANIN_INVALID_OPTION',
      `fanin: overflow must be 'spill' or 'drop', got ${String(overflow)}; using 'spill'`,
      `overflow=${String(overflow)}`,
    );
    overflow = 'spill';
  }
  return { maxLinksPerSpan, overflow };
}
