// Preloaded (`node --require`) into the dd-trace child processes, before the
// child's own code, as an application starts dd-trace: the tracer from the
// environment (DD_* / OTEL_* set by dd-harness.ts), and its OpenTelemetry
// bridge registered as the global tracer provider.
import ddTrace from 'dd-trace';

export const tracer = ddTrace.init();
export const provider = new tracer.TracerProvider();
provider.register();

/** Hands finished traces to the exporter now (dd-trace's bridge has it; its types do not). */
export function flushTraces(): Promise<void> {
  return (provider as unknown as { forceFlush(): Promise<void> }).forceFlush();
}
