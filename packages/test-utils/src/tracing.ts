import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanLimits,
} from '@opentelemetry/sdk-trace-base';

export interface TestTracing {
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Forgets the finished spans. */
  reset(): void;
}

let installed: TestTracing | undefined;

/**
 * Registers, once per process, a global tracer provider that keeps finished
 * spans in memory, the AsyncLocalStorage context manager and the W3C
 * propagator. Span limits are raised so the SDK never hides what fanin did.
 */
export function installTestTracing(
  spanLimits: SpanLimits = { linkCountLimit: 100_000 },
): TestTracing {
  if (installed) return installed;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits,
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  installed = {
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
  return installed;
}
