import { resolveBrokers } from './resolve';
import type { Brokers, ResolveOptions } from './types';

/**
 * Resolves brokers, runs `fn` with them and stops what was started afterwards, also when
 * the process is interrupted (SIGINT/SIGTERM), be it while `fn` runs or while the brokers
 * are still starting (they are then stopped as soon as they are up).
 */
export async function withBrokers<T>(
  fn: (brokers: Brokers) => Promise<T>,
  options?: ResolveOptions,
): Promise<T> {
  let brokers: Brokers | undefined;
  let signalled: NodeJS.Signals | undefined;
  const stopAndDie = (signal: NodeJS.Signals) => {
    void (brokers?.stop() ?? Promise.resolve()).finally(() => {
      removeHandlers();
      // Die of the same signal, as if no handler had been installed.
      process.kill(process.pid, signal);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Repeated signals (Ctrl-C twice, a signal to the whole process group) must not cut
    // the stopping short.
    if (signalled) return;
    signalled = signal;
    if (brokers) stopAndDie(signal);
  };
  const removeHandlers = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    brokers = await resolveBrokers(options);
  } catch (error) {
    removeHandlers();
    throw error;
  }
  if (signalled) {
    stopAndDie(signalled);
    return new Promise<never>(() => {});
  }
  try {
    return await fn(brokers);
  } finally {
    // Handlers stay until the brokers are stopped: a signal meanwhile joins this stop.
    await brokers.stop();
    if (!signalled) removeHandlers();
  }
}
