import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  spans: InMemorySpanExporter;
  flush: () => Promise<void>;
  shutdown: () => Promise<void>;
}

/**
 * The OpenTelemetry SDK for the demo: spans are kept in memory for the
 * terminal picture, and also exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (Jaeger, Tempo, the Datadog Agent, ...).
 * `forward`, when given, gets every span as it ends too (an aggregator
 * process sends its spans to the demo). Call before kafkajs is loaded, so
 * the instrumentation can patch it.
 */
export function startTelemetry(forward?: SpanExporter): Telemetry {
  const spans = new InMemorySpanExporter();
  const processors: SpanProcessor[] = [new SimpleSpanProcessor(spans)];
  if (forward) processors.push(new SimpleSpanProcessor(forward));
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT)
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'fanin-demo',
      'process.pid': process.pid,
    }),
    spanProcessors: processors,
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  new KafkaJsInstrumentation();
  return { spans, flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}
