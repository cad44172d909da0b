// Preloaded with `node --require` in an aggregator process of the group: the
// SDK and the kafkajs instrumentation, every span also sent to the demo.
import { IpcSpanExporter } from './span-wire';
import { startTelemetry } from './telemetry';

export const telemetry = startTelemetry(new IpcSpanExporter());
