import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * Batching as an application writes it without fanin: a prefetch of one
 * batch, deliveries collected until the batch is full (or `maxWaitMs` after
 * its first one), the handler awaited, then one `ack(last, true)`.
 */
export async function consumeInHandWrittenBatches(
  channel: Channel,
  queue: string,
  batchSize: number,
  maxWaitMs: number,
  handler: (messages: ConsumeMessage[]) => Promise<void>,
): Promise<void> {
  let pending: ConsumeMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let tail = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    tail = tail.then(async () => {
      await handler(batch);
      channel.ack(batch[batch.length - 1] as ConsumeMessage, true);
    });
  };
  await channel.prefetch(batchSize);
  await channel.consume(
    queue,
    (message) => {
      if (message === null) return;
      pending.push(message);
      if (pending.length >= batchSize) flush();
      else timer ??= setTimeout(flush, maxWaitMs);
    },
    { noAck: false },
  );
}
