import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

export interface TestMetrics {
  provider: MeterProvider;
  /** The data points of each metric collected now, by metric name. */
  collect(): Promise<Map<string, DataPoint<unknown>[]>>;
}

/** A MeterProvider whose metrics a test collects when it wants (cumulative). */
export function installTestMetrics(): TestMetrics {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      await reader.forceFlush();
      const metrics = exporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
      exporter.reset();
      return new Map(metrics.map((metric) => [metric.descriptor.name, metric.dataPoints]));
    },
  };
}
