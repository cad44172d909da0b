import {
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { SamplingParams } from '../model';
import { linkAwareSamplerClass, NO_LINK_AWARE_SAMPLER } from './link-aware-sampler';

/**
 * The sampler of a sampling row: `ParentBasedSampler({ root:
 * TraceIdRatioBasedSampler(ratio) })` as production head sampling sets it
 * up, inside @fanin/core's LinkAwareSampler when the mode asks for it.
 */
export function samplerFor(sampling: SamplingParams, linkAware: boolean): Sampler {
  const stock = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampling.ratio) });
  if (!linkAware) return stock;
  const LinkAwareSampler = linkAwareSamplerClass();
  if (!LinkAwareSampler) throw new Error(NO_LINK_AWARE_SAMPLER);
  return new LinkAwareSampler(stock);
}
