import type { Link } from '@opentelemetry/api';
import { warnOnce } from './diagnostics';
import {
  DD_SPAN_LINKS_ARRAY_OVERHEAD,
  DD_SPAN_LINKS_MAX_LENGTH,
  ddSpanLinkLength,
} from './link-size';

/**
 * What happens to links past a span's budget:
 * - `spill`: they go onto child spans of the fan-in span, each within the
 *   budget, so every producer stays reachable from the one processing span;
 * - `drop`: they are left out, and the span counts them.
 */
export type OverflowPolicy = 'spill' | 'drop';

/**
 * How the links of one span are measured besides their count:
 * - `auto` (default): by what the tracer encodes where fanin knows it (under
 *   Datadog's tracer: the characters of its `_dd.span_links` tag), else by count;
 * - `count`: by count only;
 * - `datadog`: as Datadog's tracer encodes them, whichever tracer is found.
 */
export type LinkBudget = 'auto' | 'count' | 'datadog';

export interface LinkLimits {
  /** Most links on any one span (default 128, the OpenTelemetry SDK's `linkCountLimit`). */
  maxLinksPerSpan: number;
  /** What to do with links past the budget (default `spill`). */
  overflow: OverflowPolicy;
  budget: LinkBudget;
}

export const DEFAULT_MAX_LINKS_PER_SPAN = 128;

export const DEFAULT_LINK_LIMITS: Readonly<LinkLimits> = Object.freeze({
  maxLinksPerSpan: DEFAULT_MAX_LINKS_PER_SPAN,
  overflow: 'spill',
  budget: 'auto',
});

/**
 * The characters fanin lets one span's links take under Datadog's tracer:
 * its cut is at 25,000; the margin covers what the tracer may add to links of
 * local spans after fanin measured them.
 */
export const DATADOG_LINKS_BUDGET = DD_SPAN_LINKS_MAX_LENGTH - 1_000;

/** Link limits from user config; an invalid value falls back to its default, with a warning. */
export function resolveLinkLimits(
  config:
    | { maxLinksPerSpan?: number; overflow?: OverflowPolicy; linkBudget?: LinkBudget }
    | undefined,
): LinkLimits {
  let maxLinksPerSpan = config?.maxLinksPerSpan ?? DEFAULT_MAX_LINKS_PER_SPAN;
  if (!Number.isInteger(maxLinksPerSpan) || maxLinksPerSpan < 1) {
    invalidOption(
      'maxLinksPerSpan',
      maxLinksPerSpan,
      DEFAULT_MAX_LINKS_PER_SPAN,
      'a whole number >= 1',
    );
    maxLinksPerSpan = DEFAULT_MAX_LINKS_PER_SPAN;
  }
  let overflow = config?.overflow ?? 'spill';
  if (overflow !== 'spill' && overflow !== 'drop') {
    invalidOption('overflow', overflow, 'spill', "'spill' or 'drop'");
    overflow = 'spill';
  }
  let budget = config?.linkBudget ?? 'auto';
  if (budget !== 'auto' && budget !== 'count' && budget !== 'datadog') {
    invalidOption('linkBudget', budget, 'auto', "'auto', 'count' or 'datadog'");
    budget = 'auto';
  }
  return { maxLinksPerSpan, overflow, budget };
}

function invalidOption(name: string, value: unknown, fallback: unknown, expected: string): void {
  warnOnce(
    'FANIN_INVALID_OPTION',
    `fanin: ${name} must be ${expected}, got ${String(value)}; using ${String(fallback)}`,
    `${name}=${String(value)}`,
  );
}

/** The links of one span and of its spill spans, each within the budget. */
export interface LinkChunks {
  /** On the span itself. */
  kept: Link[];
  /** One array per spill span (empty with `drop`). */
  spill: Link[][];
  /** Left out (with `drop`). */
  dropped: number;
}

/**
 * Cuts `links` into the span's own and its spill spans', in order, each
 * chunk within `maxLinksPerSpan` and, with `measureCharacters`, within
 * `maxCharacters` of encoded links (a link bigger than that alone gets a
 * chunk of its own).
 */
export function chunkLinks(
  links: readonly Link[],
  limits: LinkLimits,
  characters?: { measure: (link: Link) => number; overhead: number; max: number },
): LinkChunks {
  const chunks: Link[][] = [];
  let current: Link[] = [];
  let used = characters?.overhead ?? 0;
  for (const link of links) {
    const size = characters ? characters.measure(link) : 0;
    const full =
      current.length >= limits.maxLinksPerSpan ||
      (characters !== undefined && current.length > 0 && used + size > characters.max);
    if (full) {
      chunks.push(current);
      current = [];
      used = characters?.overhead ?? 0;
    }
    current.push(link);
    used += size;
  }
  if (current.length > 0) chunks.push(current);
  const [kept = [], ...rest] = chunks;
  if (limits.overflow === 'spill') return { kept, spill: rest, dropped: 0 };
  return { kept, spill: [], dropped: rest.reduce((sum, chunk) => sum + chunk.length, 0) };
}

/** Datadog's encoding as a `chunkLinks` measure. */
export const DATADOG_CHARACTERS = Object.freeze({
  measure: ddSpanLinkLength,
  overhead: DD_SPAN_LINKS_ARRAY_OVERHEAD,
  max: DATADOG_LINKS_BUDGET,
});
