// A RabbitMQ worker, an ES module, that ends itself with process.exit() at SIGTERM.
// Nothing runs after process.exit(), so it awaits @fanin/register's shutdown() first:
//   node --import @fanin/register rabbitmq-exit-worker.mjs
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import { shutdown } from '@fanin/register';
import amqp from 'amqplib';

const queue = process.env.QUEUE ?? 'orders';
const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://127.0.0.1');
const channel = await connection.createChannel();
await channel.assertQueue(queue, { durable: false });
const consumer = await consumeBatch(channel, queue, { maxMessages: 50 }, async (messages) => {
  console.log(`processed ${messages.length} messages from ${queue}`);
});

process.once('SIGTERM', async () => {
  await consumer.cancel(); // handles and acks the batch in hand
  await shutdown(); // exports the spans and metrics still buffered
  process.exit(0);
});
