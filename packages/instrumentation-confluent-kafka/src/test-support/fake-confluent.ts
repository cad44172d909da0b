import type { FakeState, KafkaApiHarness } from '../../../kafkajs-api/dist/contract';
import { ConfluentKafkaInstrumentation } from '../instrumentation';
import type { ConfluentKafkaInstrumentationConfig } from '../types';

type RunConfig = NonNullable<FakeState['lastRunConfig']>;
interface TopicMessages {
  topic: string;
  messages: unknown[];
}

/** What the fake's consumers and producers were given. */
export const fake: FakeState = { lastRunConfig: undefined, sent: [], failCommit: false };

/** As lib/kafkajs/_consumer.js: a class; `run` copies its config and calls the handlers on it. */
class FakeConsumer {
  constructor(readonly config: unknown) {}

  async run(config: RunConfig): Promise<void> {
    fake.lastRunConfig = { ...config };
  }
}

/**
 * As lib/kafkajs/_producer.js: a class whose `sendBatch` calls `this.send`
 * per topic, and whose `transaction()` resolves with the producer itself,
 * `sendOffsets`, `commit` and `abort` being the producer's.
 */
class FakeProducer {
  private ongoing = false;

  async send(record: TopicMessages): Promise<unknown[]> {
    fake.sent.push(record);
    if (record.topic === 'fails') throw new Error('broker said no');
    return [];
  }

  async sendBatch(batch: { topicMessages?: TopicMessages[] }): Promise<unknown[]> {
    const sent = (batch.topicMessages ?? []).map((topicMessages) => this.send(topicMessages));
    return (await Promise.all(sent)).flat();
  }

  async transaction(): Promise<this> {
    if (this.ongoing) throw new Error('Can only start one transaction at a time.');
    this.ongoing = true;
    return this;
  }

  async sendOffsets(_offsets: unknown): Promise<void> {}

  async commit(): Promise<void> {
    if (fake.failCommit) throw new Error('commit failed');
    this.ongoing = false;
  }

  async abort(): Promise<void> {
    this.ongoing = false;
  }
}

/** As lib/kafkajs/_kafka.js: `producer()` and `consumer()` make instances of the classes above. */
export class FakeKafka {
  producer(_config?: unknown) {
    return new FakeProducer();
  }

  consumer(config?: unknown) {
    return new FakeConsumer(config);
  }
}

/** The Confluent adapter, as the shared KafkaJS-API tests drive it. */
export const harness: KafkaApiHarness = {
  library: '@confluentinc/kafka-javascript',
  fake,
  create: (config) =>
    new ConfluentKafkaInstrumentation(config as ConfluentKafkaInstrumentationConfig),
  module: { KafkaJS: { Kafka: FakeKafka } },
  version: '1.10.1',
  prototype: FakeKafka.prototype,
  client: () => new FakeKafka() as unknown as ReturnType<KafkaApiHarness['client']>,
  consumerConfig: (groupId) => ({ kafkaJS: { groupId } }),
  modulePath: __filename,
};
