// In the setup child, required only once the scenario's tracing is set up
// (or first, for the loaded-early scenarios): kafkajs against the real
// broker. Upstream requests each send their messages in one call; one
// consumer reads them all with eachBatch.
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { kafkaBrokersFromEnv } from '../brokers-env';
import { waitFor } from '../wait-for';
import { headerText, type WorkloadResult, type WorkloadSize } from './workload';

const PARTITIONS = 2;

/**
 * Produces and consumes `size` messages. With `clientsAtLoad`, the producer
 * and the consumer are created synchronously, in the turn of the event loop
 * that required kafkajs: as an application that makes its clients at the top
 * of a module. Otherwise they are created a few milliseconds later, as in an
 * application that makes them in an async start-up function.
 */
export async function runKafkaWorkload(
  size: WorkloadSize,
  clientsAtLoad: boolean,
): Promise<WorkloadResult> {
  if (!clientsAtLoad) await new Promise((resolve) => setTimeout(resolve, 20));
  const id = randomUUID().slice(0, 8);
  const topic = `fanin-setup-${id}`;
  const kafka = new Kafka({
    clientId: 'fanin-setup',
    brokers: kafkaBrokersFromEnv(),
    logLevel: logLevel.ERROR,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  // A short fetch wait: disconnecting waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId: `fanin-setup-group-${id}`, maxWaitTimeInMs: 100 });

  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }

  await producer.connect();
  const tracer = trace.getTracer('fanin-setup-upstream');
  for (let t = 0; t < size.traces; t++) {
    await tracer.startActiveSpan(`request ${t}`, async (request) => {
      const messages: Message[] = Array.from({ length: size.messagesPerTrace }, (_, m) => ({
        key: `key-${m}`,
        value: `trace ${t} message ${m}`,
      }));
      await producer.send({ topic, messages });
      request.end();
    });
  }
  await producer.disconnect();

  const sent = size.traces * size.messagesPerTrace;
  const traceparents: (string | undefined)[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        traceparents.push(headerText(message.headers?.traceparent));
      }
    },
  });
  await waitFor(() => traceparents.length >= sent, `${sent} kafkajs messages`);
  await consumer.disconnect();
  return { destination: topic, sent, traceparents };
}
