import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import { traceEachBatch } from './batch';
import { traceEachMessage } from './message';
import type { KafkaTracingSettings } from './settings';

/**
 * Wraps `consumer.run` so that the handlers it is given are traced. The
 * caller's run config is copied, never modified.
 */
export function traceConsumerRun(
  getSettings: () => KafkaTracingSettings | undefined,
  groupId: string | undefined,
  run: Consumer['run'],
): Consumer['run'] {
  return function tracedRun(this: unknown, config?: ConsumerRunConfig) {
    if (config === undefined || config === null) return run.call(this, config);
    const traced: ConsumerRunConfig = { ...config };
    if (typeof config.eachBatch === 'function') {
      traced.eachBatch = traceEachBatch(getSettings, groupId, config.eachBatch);
    }
    if (typeof config.eachMessage === 'function') {
      traced.eachMessage = traceEachMessage(getSettings, groupId, config.eachMessage);
    }
    return run.call(this, traced);
  };
}
