// A user's application, built from the packed tarballs (copied into a temporary
// app as workload.ts and workload.mts: CommonJS and ES module). The SDK and
// fanin are set up by the file loaded first (the README's otel.mjs or register).
// Each message is sent from its own upstream trace; Kafka's are read with
// eachBatch, RabbitMQ's with consumeBatch. It prints what it sent as JSON.
import { randomUUID } from 'node:crypto';
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import { trace } from '@opentelemetry/api';
import amqplib from 'amqplib';
import kafkajs from 'kafkajs';

const MESSAGES = 6;
const id = randomUUID().slice(0, 8);
const tracer = trace.getTracer('packaging-upstream');

/** Runs `send` in a new upstream trace; resolves to that trace's id. */
function upstream(name: string, send: () => Promise<unknown>): Promise<string> {
  return tracer.startActiveSpan(name, { root: true }, async (span) => {
    try {
      await send();
      return span.spanContext().traceId;
    } finally {
      span.end();
    }
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function kafka(): Promise<{ topic: string; traces: string[] }> {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const client = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.ERROR });
  const topic = `fanin-packaging-${id}`;
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const traces: string[] = [];
  for (let m = 0; m < MESSAGES; m++) {
    traces.push(
      await upstream(`request ${m}`, () => producer.send({ topic, messages: [{ value: `${m}` }] })),
    );
  }
  await producer.disconnect();
  const consumer = client.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  let handled = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      handled += batch.messages.length;
    },
  });
  await until(() => handled >= MESSAGES, `${MESSAGES} Kafka messages`);
  await consumer.disconnect();
  return { topic, traces };
}

async function rabbitmq(): Promise<{ queue: string; traces: string[] }> {
  const connection = await amqplib.connect(process.env.RABBITMQ_URL ?? 'amqp://localhost');
  const queue = `fanin-packaging-${id}`;
  const publisher = await connection.createConfirmChannel();
  await publisher.assertQueue(queue, { durable: false, autoDelete: false });
  const traces: string[] = [];
  for (let m = 0; m < MESSAGES; m++) {
    traces.push(
      await upstream(`publish request ${m}`, async () => {
        publisher.sendToQueue(queue, Buffer.from(`${m}`));
        await publisher.waitForConfirms();
      }),
    );
  }
  const channel = await connection.createChannel();
  let handled = 0;
  const consumer = await consumeBatch(
    channel,
    queue,
    { maxMessages: MESSAGES, maxWaitMs: 500 },
    async (messages) => {
      handled += messages.length;
    },
  );
  await until(() => handled >= MESSAGES, `${MESSAGES} RabbitMQ messages`);
  await consumer.cancel();
  await publisher.deleteQueue(queue);
  await connection.close();
  return { queue, traces };
}

async function main(): Promise<void> {
  const sent = { kafka: await kafka(), rabbitmq: await rabbitmq() };
  console.log(`WORKLOAD ${JSON.stringify(sent)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
