import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanLimits,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TestTracing {
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Spans started since the last reset that have not ended: a leak when a flow is over. */
  openSpans(): ReadableSpan[];
  /** How many spans were started since the last reset. */
  startedCount(): number;
  /** Forgets the finished spans and the counts. */
  reset(): void;
}

/** Counts started spans and keeps those not yet ended. */
class OpenSpanTracker implements SpanProcessor {
  started = 0;
  readonly open = new Set<Span>();

  onStart(span: Span): void {
    this.started++;
    this.open.add(span);
  }

  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }

  reset(): void {
    this.started = 0;
    this.open.clear();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
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
  const tracker = new OpenSpanTracker();
  const provider = new BasicTracerProvider({
    spanProcessors: [tracker, new SimpleSpanProcessor(exporter)],
    spanLimits,
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  installed = {
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
    openSpans: () => Array.from(tracker.open),
    startedCount: () => tracker.started,
    reset: () => {
      exporter.reset();
      tracker.reset();
    },
  };
  return installed;
}
