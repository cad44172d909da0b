import { resolveBrokers } from './resolve';
import type { Brokers, ResolveOptions } from './types';

/**
 * Resolves brokers, runs `fn` with them and stops what was started afterwards, also when
 * the process is interrupted (SIGINT/SIGTERM) while `fn` runs.
 */
export async function withBrokers<T>(
  fn: (brokers: Brokers) => Promise<T>,
  options?: ResolveOptions,
): Promise<T> {
  const brokers = await resolveBrokers(options);
  const onSignal = (signal: NodeJS.Signals) => {
    removeHandlers();
    // Die of the same signal once stopped, as if no handler had been installed.
    void brokers.stop().finally(() => process.kill(process.pid, signal));
  };
  const removeHandlers = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(brokers);
  } finally {
    removeHandlers();
    await brokers.stop();
  }
}
