import type { ConsumerRunConfig, ProducerBatch, ProducerRecord } from 'kafkajs';
import type { KafkaApiHarness } from '../../../kafkajs-api/dist/contract';
import { KafkaJsInstrumentation } from '../instrumentation';
import type { KafkaJsInstrumentationConfig } from '../types';

/**
 * A stand-in for the kafkajs module with the same Kafka class shape: its
 * consumers and producers are plain objects made by the factory methods, and
 * `transaction()` resolves with an object of its own. Consumers remember the
 * run config they were given (after instrumentation); producers remember
 * what they were asked to send.
 */
export class FakeKafka {
  static lastRunConfig: ConsumerRunConfig | undefined;
  static sent: Array<ProducerRecord | ProducerBatch> = [];
  static failCommit = false;

  consumer(_config: { groupId: string }) {
    return {
      run: async (config: ConsumerRunConfig) => {
        FakeKafka.lastRunConfig = config;
      },
    };
  }

  producer() {
    const send = async (record: ProducerRecord | ProducerBatch) => {
      FakeKafka.sent.push(record);
      if ('topic' in record && record.topic === 'fails') throw new Error('broker said no');
      return [];
    };
    return {
      send,
      sendBatch: send,
      transaction: async () => ({
        send,
        sendBatch: send,
        sendOffsets: async (_offsets: unknown) => {},
        commit: async () => {
          if (FakeKafka.failCommit) throw new Error('commit failed');
        },
        abort: async () => {},
      }),
    };
  }
}

/** The kafkajs adapter, as the shared KafkaJS-API tests drive it. */
export const harness: KafkaApiHarness = {
  library: 'kafkajs',
  fake: FakeKafka as unknown as KafkaApiHarness['fake'],
  create: (config) => new KafkaJsInstrumentation(config as KafkaJsInstrumentationConfig),
  module: { Kafka: FakeKafka },
  version: '2.2.4',
  prototype: FakeKafka.prototype,
  client: () => new FakeKafka() as unknown as ReturnType<KafkaApiHarness['client']>,
  consumerConfig: (groupId) => ({ groupId }),
  modulePath: __filename,
};
