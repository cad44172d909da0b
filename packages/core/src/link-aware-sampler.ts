import {
  type Attributes,
  type Context,
  isSpanContextValid,
  type Link,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  type SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

const LINKS_BEFORE_SAMPLING = Symbol.for('@fanin/core:links-before-sampling');

/**
 * Whether a sampler that decides on links is in use in this process: fan-in
 * spans then give their links at start, so that the sampler sees them.
 */
export function samplerNeedsLinks(): boolean {
  return (globalThis as Record<symbol, unknown>)[LINKS_BEFORE_SAMPLING] === true;
}

/**
 * A sampler for the SDK that keeps the consumer side of every sampled
 * producer trace: a span with no parent (fanin's batch and aggregate spans
 * are such roots) is sampled when any of its links points at a sampled
 * producer span; every other decision is the delegate's.
 *
 * ```ts
 * new NodeSDK({ sampler: new LinkAwareSampler(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) })) })
 * ```
 *
 * While one exists, fanin builds a fan-in span's links before starting it
 * (the sampler must see them), also for spans that turn out not to be
 * sampled: that is the price of the decision.
 */
export class LinkAwareSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {
    (globalThis as Record<symbol, unknown>)[LINKS_BEFORE_SAMPLING] = true;
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    if ((parent === undefined || !isSpanContextValid(parent)) && linksASampledSpan(links)) {
      return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    }
    return this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `LinkAwareSampler{delegate=${this.delegate.toString()}}`;
  }
}

function linksASampledSpan(links: readonly Link[] | undefined): boolean {
  if (!Array.isArray(links)) return false;
  for (const link of links) {
    const flags = link?.context?.traceFlags;
    if (typeof flags === 'number' && (flags & TraceFlags.SAMPLED) !== 0) return true;
  }
  return false;
}
