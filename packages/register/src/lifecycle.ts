import { diag, metrics, trace } from '@opentelemetry/api';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ExitSignal = (typeof SIGNALS)[number];

interface Flushable {
  forceFlush?: () => Promise<void>;
}

/** Exports what the global tracer and meter providers hold, keeping them running. */
async function flushProviders(): Promise<void> {
  const tracerProvider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const providers = [
    (tracerProvider.getDelegate?.() ?? tracerProvider) as Flushable,
    metrics.getMeterProvider() as Flushable,
  ];
  await Promise.all(providers.map((provider) => provider.forceFlush?.()));
}

/**
 * Shuts the SDK down, once, when the process ends: at SIGTERM or SIGINT, and
 * when the event loop empties (`beforeExit`). A signal the application does
 * not handle would have ended the process at once, so after the flush the
 * same signal is raised again, and the process ends as it would have. A
 * signal the application handles is the application's to act on: the SDK
 * only flushes then, and shuts down when the process runs out of work.
 * Returns the shutdown, for callers that end the process themselves.
 */
export function shutDownOnExit(shutdownSdk: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    done ??= shutdownSdk().catch((error: unknown) => {
      diag.error('@fanin/register: the OpenTelemetry SDK did not shut down cleanly', error);
    });
    return done;
  };
  const onSignal = (signal: ExitSignal): void => {
    if (process.listenerCount(signal) > 1) {
      flushProviders().catch((error: unknown) => {
        diag.error(`@fanin/register: flushing at ${signal} failed`, error);
      });
      return;
    }
    for (const each of SIGNALS) process.removeListener(each, onSignal);
    void shutdown().finally(() => {
      // Raised again only if nothing started handling it meanwhile.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.once('beforeExit', () => void shutdown());
  return shutdown;
}
