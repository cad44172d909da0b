import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { EachBatchHandler } from 'kafkajs';
import { prepareWindow, type Window } from '../measure/window';
import type { KafkaBrokerParams, Sample } from '../model';
import { yieldToEventLoop } from './event-loop';
import type { Harness } from './harness';
import { Progress, withTimeout } from './progress';

/**
 * Case 2 with Confluent's client (its KafkaJS API): a consumer of its own
 * group reads the whole topic from the beginning with eachBatch. The window
 * opens when the group assigns the consumer its partitions (librdkafka's
 * rebalance callback; the client has no GROUP_JOIN event) and closes once
 * every message was handled (and the spans exported).
 */
export async function runConfluentBroker(
  harness: Harness,
  params: KafkaBrokerParams,
): Promise<Sample[]> {
  if (params.handler !== 'eachBatch') throw new Error('the Confluent case runs eachBatch only');
  harness.instrument('confluent');
  // Required after the instrumentation is registered, as an application does.
  const { KafkaJS: client } = require('@confluentinc/kafka-javascript') as {
    KafkaJS: typeof KafkaJS;
  };
  const kafka = new client.Kafka({
    kafkaJS: { brokers: params.brokers, logLevel: client.logLevel.ERROR },
  });
  const open = await prepareWindow(harness.tracing);
  let window: Window | undefined;
  const consumer = kafka.consumer({
    kafkaJS: { groupId: params.groupId, fromBeginning: true },
    rebalance_cb: (error: { code: number }) => {
      if (error.code === client.ErrorCodes.ERR__ASSIGN_PARTITIONS) window ??= open();
    },
  });
  const progress = new Progress(params.messages);
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [params.topic] });
    const eachBatch: EachBatchHandler = async ({ batch }) => {
      let bytes = 0;
      for (const message of batch.messages) bytes += message.value?.length ?? 0;
      progress.add(batch.messages.length, bytes);
    };
    const measured = harness.wrapEachBatch(eachBatch);
    await consumer.run({
      eachBatch: (payload) => measured(payload as unknown as Parameters<EachBatchHandler>[0]),
    });
    await withTimeout(progress.done, params.timeoutMs, `consuming ${params.messages} messages`);
    await yieldToEventLoop();
    if (!window) throw new Error('the consumer was never assigned its partitions');
    if (progress.bytes === 0) throw new Error('the handler read no message body');
    const result = await window.close();
    return [{ ...result, messages: progress.messages, calls: progress.calls }];
  } finally {
    await consumer.disconnect();
  }
}
