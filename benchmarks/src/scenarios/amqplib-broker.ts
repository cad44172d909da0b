import { consumeBatch } from '@fanin/instrumentation-amqplib';
import type { Channel, ConsumeMessage } from 'amqplib';
import { consumeInHandWrittenBatches } from '../amqplib/hand-written-batching';
import { loadAmqplib } from '../amqplib/load';
import { floorAmqpBatch } from '../floor/floor-amqp-batch';
import { openWindow } from '../measure/window';
import type { AmqpBrokerParams, Mode, Sample } from '../model';
import { yieldToEventLoop } from './event-loop';
import type { Harness } from './harness';
import { Progress, withTimeout } from './progress';

/** How a consumer is started on the channel; the window is open while it runs. */
type StartConsumer = (channel: Channel, progress: Progress) => Promise<void>;

const MAX_WAIT_MS = 1000;

/**
 * Case 3 (amqplib, real RabbitMQ): the queue consumed in batches, by hand
 * (modes none and official; floor inside the hand-written reference fan-in)
 * or with fanin's consumeBatch (mode fanin).
 */
export function runAmqplibBatch(
  harness: Harness,
  mode: Mode,
  params: AmqpBrokerParams,
): Promise<Sample[]> {
  const onBatch = (progress: Progress) => async (messages: ConsumeMessage[]) => {
    progress.add(messages.length, bodyBytes(messages));
  };
  const start: StartConsumer =
    mode === 'fanin'
      ? async (channel, progress) => {
          await consumeBatch(
            channel,
            params.queue,
            { maxMessages: params.batchSize, maxWaitMs: MAX_WAIT_MS },
            onBatch(progress),
          );
        }
      : (channel, progress) =>
          consumeInHandWrittenBatches(
            channel,
            params.queue,
            params.batchSize,
            MAX_WAIT_MS,
            mode === 'floor' ? floorAmqpBatch(params.queue, onBatch(progress)) : onBatch(progress),
          );
  return consumeQueue(harness, params, start);
}

/** Case 4 (amqplib, real RabbitMQ): `channel.consume`, one ack per message. */
export function runAmqplibConsume(harness: Harness, params: AmqpBrokerParams): Promise<Sample[]> {
  return consumeQueue(harness, params, async (channel, progress) => {
    await channel.prefetch(params.prefetch);
    await channel.consume(
      params.queue,
      (message) => {
        if (message === null) return;
        progress.add(1, message.content.length);
        channel.ack(message);
      },
      { noAck: false },
    );
  });
}

/**
 * Connects after the instrumentation was registered, opens the window,
 * starts the consumer and closes the window once every message was handled
 * and settled (and the spans exported).
 */
async function consumeQueue(
  harness: Harness,
  params: AmqpBrokerParams,
  start: StartConsumer,
): Promise<Sample[]> {
  harness.instrument('amqplib');
  const amqp = loadAmqplib();
  const connection = await amqp.connect(params.url);
  try {
    const channel = await connection.createChannel();
    const progress = new Progress(params.messages);
    const window = await openWindow(harness.tracing);
    await start(channel, progress);
    await withTimeout(progress.done, params.timeoutMs, `consuming ${params.messages} messages`);
    // Let the last batch be acked and its span ended.
    await yieldToEventLoop();
    if (progress.bytes === 0) throw new Error('the handler read no message body');
    const measured = await window.close();
    // Closed first, so that its last acks (ordered before the channel's close)
    // reach the broker before the connection goes.
    await channel.close();
    return [{ ...measured, messages: progress.messages, calls: progress.calls }];
  } finally {
    await connection.close();
  }
}

/** The trivial work of the batch handlers: read each message's body length. */
function bodyBytes(messages: ConsumeMessage[]): number {
  let bytes = 0;
  for (const message of messages) bytes += message.content.length;
  return bytes;
}
