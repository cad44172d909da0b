import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { kafkaBrokersFromEnv } from './brokers-env';

export function createKafka(clientId = 'fanin-integration'): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokersFromEnv(), logLevel: logLevel.ERROR });
}

/** A topic name no other test or run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTopic(
  kafka: Kafka,
  topic: string,
  numPartitions: number,
): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** What a consumer saw of one message. */
export interface ConsumedMessage {
  partition: number;
  offset: string;
  value: string;
  traceparent: string | undefined;
}

export function consumedMessage(partition: number, message: KafkaMessage): ConsumedMessage {
  const header = message.headers?.traceparent;
  return {
    partition,
    offset: message.offset,
    value: message.value?.toString() ?? '',
    traceparent: header === undefined ? undefined : String(header),
  };
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

export { producerKeyOf } from '@fanin/test-utils';
export { waitFor } from './wait-for';
