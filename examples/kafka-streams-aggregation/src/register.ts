// Preloaded with `node --require`, before anything else: the OpenTelemetry SDK
// and the kafkajs instrumentation are in place before kafkajs is loaded.
import { startTelemetry } from './telemetry';

export const telemetry = startTelemetry();
