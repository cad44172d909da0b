import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { CountingExporter } from './counting-exporter';
import { CountingSampler } from './counting-sampler';
import { SpanCounter } from './span-counter';

export interface SpanCounts {
  started: number;
  ended: number;
  exported: number;
  links: number;
  sampledLinks: number;
  /** Sampling decisions for spans without a parent (0 unless a sampler was given). */
  rootDecisions: number;
  rootSampled: number;
}

export interface Tracing {
  provider: BasicTracerProvider;
  /** Exports whatever the BatchSpanProcessor still holds. */
  flush(): Promise<void>;
  counts(): SpanCounts;
}

/**
 * Sets up tracing the way `NodeSDK` does by default, globally: an
 * AsyncLocalStorage context manager, the W3C trace-context and baggage
 * propagators, and a BatchSpanProcessor with its default settings (queue
 * 2,048, export batches of 512, 5 s delay) in front of a counting exporter.
 * The SDK's default sampler, unless `sampler` is given (then its decisions
 * for spans without a parent are counted).
 */
export function installTracing(sampler?: Sampler): Tracing {
  const counter = new SpanCounter();
  const exporter = new CountingExporter();
  const counting = sampler ? new CountingSampler(sampler) : undefined;
  const provider = new BasicTracerProvider({
    spanProcessors: [counter, new BatchSpanProcessor(exporter)],
    ...(counting ? { sampler: counting } : {}),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  trace.setGlobalTracerProvider(provider);
  return {
    provider,
    flush: () => provider.forceFlush(),
    counts: () => ({
      started: counter.started,
      ended: counter.ended,
      exported: exporter.spans,
      links: exporter.links,
      sampledLinks: exporter.sampledLinks,
      rootDecisions: counting?.rootDecisions ?? 0,
      rootSampled: counting?.rootSampled ?? 0,
    }),
  };
}
