import { type Channel, connect } from 'amqplib';
import { traceparentFor } from '../traceparent';
import { messageBody } from './message-body';

const QUEUE_OPTIONS = { durable: false, autoDelete: false };
const FILL_TIMEOUT_MS = 120_000;
const SETTLE_MS = 2_000;

/**
 * Declares `queues`, binds them to a fanout exchange of their own and
 * publishes `count` messages (each with its own `traceparent` header) once,
 * so every queue holds the same `count` messages. Publishes minding
 * back-pressure (without publisher confirms, which cost about a third more
 * time here) and resolves once every queue holds them all, and two seconds
 * more. Returns the RabbitMQ version.
 */
export async function fillQueues(url: string, queues: string[], count: number): Promise<string> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const exchange = `${queues[0]}.fanout`;
    await channel.assertExchange(exchange, 'fanout', { durable: false, autoDelete: false });
    for (const queue of queues) {
      await channel.assertQueue(queue, QUEUE_OPTIONS);
      await channel.purgeQueue(queue);
      await channel.bindQueue(queue, exchange, '');
    }
    for (let index = 0; index < count; index++) {
      const accepted = channel.publish(exchange, '', messageBody(index), {
        headers: { traceparent: traceparentFor(index) },
        messageId: `order-${index}`,
      });
      if (!accepted) await new Promise((resolve) => channel.once('drain', resolve));
    }
    for (const queue of queues) await waitUntilHolding(channel, queue, count);
    await channel.deleteExchange(exchange);
    // RabbitMQ keeps working for a moment after taking the last message in;
    // the first consumer should not pay for that.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const version = connection.connection.serverProperties.version;
    return typeof version === 'string' ? version : 'unknown';
  } finally {
    await connection.close();
  }
}

/** Deletes `queue`; resolves with the messages it still held (0 when all were acked). */
export async function deleteQueue(url: string, queue: string): Promise<number> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.deleteQueue(queue);
    return messageCount;
  } finally {
    await connection.close();
  }
}

async function waitUntilHolding(channel: Channel, queue: string, count: number): Promise<void> {
  const deadline = Date.now() + FILL_TIMEOUT_MS;
  for (;;) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount === count) return;
    if (messageCount > count || Date.now() > deadline) {
      throw new Error(`${queue} holds ${messageCount} messages, not ${count}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
