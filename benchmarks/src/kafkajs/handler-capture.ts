import type { Consumer, ConsumerRunConfig } from 'kafkajs';

type ConsumerFactory = (this: unknown, ...args: unknown[]) => Consumer;

/** The run configs that consumers were started with, as kafkajs itself received them. */
export interface CapturedRuns {
  last(): ConsumerRunConfig;
}

const CONSUMER_FACTORY = 'kafkajs/src/consumer/index.js';

/**
 * Makes kafkajs's own consumer factory hand back real consumers whose `run`
 * only records the config it receives, instead of joining a group. Must run
 * before any instrumentation is registered and before kafkajs is loaded: the
 * factory module is put into the require cache first, so both the `Kafka`
 * class and every instrumentation's patches are layered on top of it, exactly
 * as they are on the real factory. What `run` receives is then what kafkajs
 * would call for each batch or message: the handler as wrapped by whichever
 * instrumentation is enabled (or the bare handler with none).
 */
export function captureConsumerRuns(): CapturedRuns {
  if (require.resolve('kafkajs') in require.cache) {
    throw new Error('kafkajs was loaded before its consumer factory could be captured');
  }
  const path = require.resolve(CONSUMER_FACTORY);
  const createConsumer = require(path) as ConsumerFactory;
  const runs: ConsumerRunConfig[] = [];
  const capturingFactory: ConsumerFactory = function (this: unknown, ...args: unknown[]) {
    const consumer = createConsumer.apply(this, args);
    consumer.run = async (config?: ConsumerRunConfig) => {
      if (config) runs.push(config);
    };
    return consumer;
  };
  const cached = require.cache[path];
  if (!cached) throw new Error(`${CONSUMER_FACTORY} is not in the require cache`);
  cached.exports = capturingFactory;
  return {
    last() {
      const config = runs[runs.length - 1];
      if (!config) throw new Error('no consumer has been run');
      return config;
    },
  };
}
