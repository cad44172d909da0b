// A RabbitMQ worker, CommonJS: consumeBatch hands it up to 50 deliveries at a time
// inside one `process {queue}` span linked to the producer of every message:
//   node -r @fanin/register rabbitmq-worker.cjs
// On SIGTERM or Ctrl-C it finishes the batch in hand and closes its connection;
// the process then ends by itself, and @fanin/register flushes before it does.
const amqp = require('amqplib');
const { consumeBatch } = require('@fanin/instrumentation-amqplib');

async function main() {
  const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://127.0.0.1');
  const channel = await connection.createChannel();
  const queue = process.env.QUEUE ?? 'orders';
  await channel.assertQueue(queue, { durable: false });
  const consumer = await consumeBatch(
    channel,
    queue,
    { maxMessages: 50, maxWaitMs: 500 },
    async (messages) => {
      console.log(`processed ${messages.length} messages from ${queue}`);
    },
  );
  const stop = async () => {
    await consumer.cancel();
    await connection.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
