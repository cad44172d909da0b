import type { Consumer, EachBatchHandler, EachMessageHandler } from 'kafkajs';
import { loadKafkajs } from '../kafkajs/load';
import { prepareWindow, type Window } from '../measure/window';
import type { KafkaBrokerParams, Sample } from '../model';
import { yieldToEventLoop } from './event-loop';
import type { Harness } from './harness';
import { Progress, withTimeout } from './progress';

/**
 * Cases 2 and 4 (kafkajs, real broker): a consumer of its own group reads
 * the whole topic from the beginning with eachBatch or eachMessage. The
 * window opens when the consumer has joined its group and closes once every
 * message was handled (and the spans exported).
 */
export async function runKafkajsBroker(
  harness: Harness,
  params: KafkaBrokerParams,
): Promise<Sample[]> {
  harness.instrument('kafkajs');
  const { Kafka, logLevel } = loadKafkajs();
  const kafka = new Kafka({
    clientId: params.groupId,
    brokers: params.brokers,
    logLevel: logLevel.ERROR,
  });
  const consumer = kafka.consumer({ groupId: params.groupId });
  const progress = new Progress(params.messages);
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [params.topic], fromBeginning: true });
    const open = await prepareWindow(harness.tracing);
    let window: Window | undefined;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      window ??= open();
    });
    await startConsuming(consumer, params.handler, progress, harness);
    await withTimeout(progress.done, params.timeoutMs, `consuming ${params.messages} messages`);
    // Let the instrumentation end the last handler's span.
    await yieldToEventLoop();
    if (!window) throw new Error('the consumer never joined its group');
    if (progress.bytes === 0) throw new Error('the handler read no message body');
    const measured = await window.close();
    return [{ ...measured, messages: progress.messages, calls: progress.calls }];
  } finally {
    await consumer.disconnect();
  }
}

function startConsuming(
  consumer: Consumer,
  handler: KafkaBrokerParams['handler'],
  progress: Progress,
  harness: Pick<Harness, 'wrapEachBatch' | 'wrapEachMessage'>,
): Promise<void> {
  const eachBatch: EachBatchHandler = async ({ batch }) => {
    let bytes = 0;
    for (const message of batch.messages) bytes += message.value?.length ?? 0;
    progress.add(batch.messages.length, bytes);
  };
  const eachMessage: EachMessageHandler = async ({ message }) => {
    progress.add(1, message.value?.length ?? 0);
  };
  return consumer.run(
    handler === 'eachBatch'
      ? { eachBatch: harness.wrapEachBatch(eachBatch) }
      : { eachMessage: harness.wrapEachMessage(eachMessage) },
  );
}
