// In the setup child, required only once the scenario's tracing is set up
// (or first, for the loaded-early scenarios): amqplib against the real
// RabbitMQ. Upstream requests each publish their messages through a confirm
// channel; one consumer reads them all with consumeBatch or channel.consume.
import { randomUUID } from 'node:crypto';
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import { trace } from '@opentelemetry/api';
import { connect } from 'amqplib';
import { rabbitmqUrlFromEnv } from '../brokers-env';
import { waitFor } from '../wait-for';
import { headerText, type WorkloadResult, type WorkloadSize } from './workload';

const BATCH = { maxMessages: 10, maxWaitMs: 100 };

export async function runAmqpWorkload(
  size: WorkloadSize,
  consumer: 'consumeBatch' | 'consume',
): Promise<WorkloadResult> {
  const queue = `fanin-setup-${randomUUID().slice(0, 8)}`;
  const connection = await connect(rabbitmqUrlFromEnv());
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: false });
    const tracer = trace.getTracer('fanin-setup-upstream');
    for (let t = 0; t < size.traces; t++) {
      tracer.startActiveSpan(`request ${t}`, (request) => {
        for (let m = 0; m < size.messagesPerTrace; m++) {
          publisher.sendToQueue(queue, Buffer.from(`trace ${t} message ${m}`), {
            messageId: `t${t}-m${m}`,
          });
        }
        request.end();
      });
    }
    await publisher.waitForConfirms();
    await publisher.close();

    const sent = size.traces * size.messagesPerTrace;
    const traceparents: (string | undefined)[] = [];
    const channel = await connection.createChannel();
    if (consumer === 'consumeBatch') {
      const batches = await consumeBatch(channel, queue, BATCH, async (messages) => {
        for (const message of messages) {
          traceparents.push(headerText(message.properties.headers?.traceparent));
        }
      });
      await waitFor(() => traceparents.length >= sent, `${sent} amqplib messages`);
      await batches.cancel();
    } else {
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (message === null) return;
        traceparents.push(headerText(message.properties.headers?.traceparent));
        channel.ack(message);
      });
      await waitFor(() => traceparents.length >= sent, `${sent} amqplib messages`);
      await channel.cancel(consumerTag);
    }
    await channel.close();
    const cleanup = await connection.createChannel();
    await cleanup.deleteQueue(queue);
    await cleanup.close();
    return { destination: queue, sent, traceparents };
  } finally {
    await connection.close();
  }
}
