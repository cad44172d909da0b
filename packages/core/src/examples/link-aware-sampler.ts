// Keep the consumer side of every sampled producer trace under head sampling.
import { LinkAwareSampler } from '@fanin/core';
import {
  BasicTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

export const provider = new BasicTracerProvider({
  sampler: new LinkAwareSampler(
    new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }),
  ),
});
