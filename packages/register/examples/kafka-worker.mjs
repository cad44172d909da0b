// A Kafka worker, an ES module: each eachBatch call is one `process {topic}` span
// linked to the producer of every message. No code of its own starts OpenTelemetry:
//   node --import @fanin/register kafka-worker.mjs
// It runs until SIGTERM or Ctrl-C; @fanin/register then flushes and lets it end.
import { Kafka, logLevel } from 'kafkajs';

const kafka = new Kafka({
  clientId: 'orders-worker',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.ERROR,
});
const topic = process.env.TOPIC ?? 'orders';
const consumer = kafka.consumer({ groupId: process.env.GROUP_ID ?? 'orders-worker' });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    // Work done here (database writes, produced results) is a child of the batch span.
    console.log(`processed ${batch.messages.length} messages from ${topic}`);
  },
});
