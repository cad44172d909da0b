import type { ConsumerRunConfig } from 'kafkajs';
import { captureConsumerRuns } from './handler-capture';
import { loadKafkajs } from './load';

/** The consumer group of the in-process cases. */
export const SYNTHETIC_GROUP = 'bench-synthetic';

/**
 * Starts a real kafkajs consumer (whose `run` is captured, see
 * handler-capture.ts) with `config`, after `instrument` registered the
 * instrumentation under test, and returns the run config kafkajs received:
 * its handlers are the ones kafkajs would call for each batch or message.
 */
export async function capturedRunConfig(
  instrument: () => void,
  config: ConsumerRunConfig,
): Promise<ConsumerRunConfig> {
  const runs = captureConsumerRuns();
  instrument();
  const { Kafka, logLevel } = loadKafkajs();
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: ['127.0.0.1:9'],
    logLevel: logLevel.NOTHING,
  });
  await kafka.consumer({ groupId: SYNTHETIC_GROUP }).run(config);
  return runs.last();
}
