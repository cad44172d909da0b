import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

/**
 * An SDK MeterProvider as an application has one, for the `fanin-metrics`
 * mode: the instruments aggregate every record; the reader exports every 60 s
 * (the SDK's default), so what a measured window pays is the recording.
 */
export function installMetrics(): ApiMeterProvider {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  return new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
}
