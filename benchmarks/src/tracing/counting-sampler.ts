import { type Attributes, type Context, type Link, type SpanKind, trace } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * Passes every decision on to `delegate`, counting those for spans without
 * a parent (batch spans; not fanin's spill spans, which are their children)
 * and how many of them were sampled.
 */
export class CountingSampler implements Sampler {
  rootDecisions = 0;
  rootSampled = 0;

  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.delegate.shouldSample(
      context,
      traceId,
      spanName,
      spanKind,
      attributes,
      links,
    );
    if (trace.getSpanContext(context) === undefined) {
      this.rootDecisions++;
      if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) this.rootSampled++;
    }
    return result;
  }

  toString(): string {
    return `Counting{${this.delegate.toString()}}`;
  }
}
