import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { traceparentFor } from '../traceparent';
import { messageBody } from './message-body';

const CHUNK = 2_000;
const IN_FLIGHT = 4;

function client(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'fanin-bench-setup', brokers, logLevel: logLevel.ERROR });
}

/**
 * Creates `topic` (one partition) and produces `count` messages to it, each
 * with its own `traceparent` header, without instrumentation. Resolves once
 * the broker acknowledged all of them and the topic's end offset says so.
 */
export async function produceTopic(brokers: string[], topic: string, count: number): Promise<void> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    const chunks: Array<() => Promise<unknown>> = [];
    for (let first = 0; first < count; first += CHUNK) {
      const size = Math.min(CHUNK, count - first);
      chunks.push(() =>
        producer.send({
          topic,
          messages: Array.from({ length: size }, (_, i) => ({
            key: `customer-${(first + i) % 1000}`,
            value: messageBody(first + i),
            headers: { traceparent: traceparentFor(first + i) },
          })),
        }),
      );
    }
    await runWithConcurrency(chunks, IN_FLIGHT);
    const [offsets] = await admin.fetchTopicOffsets(topic);
    if (Number(offsets?.high) !== count) {
      throw new Error(`topic ${topic} holds ${offsets?.high} messages, not ${count}`);
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

export async function deleteTopic(brokers: string[], topic: string): Promise<void> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

async function runWithConcurrency(tasks: Array<() => Promise<unknown>>, limit: number) {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await (tasks[next++] as () => Promise<unknown>)();
  };
  await Promise.all(Array.from({ length: limit }, lane));
}
