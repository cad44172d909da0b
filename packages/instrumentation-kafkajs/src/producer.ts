import { type SentMessage, type SettingsSource, traceSend } from '@fanin/core/adapter';
import type { Kafka, Producer, ProducerBatch, ProducerRecord, TopicMessages } from 'kafkajs';
import { type KafkaTracingSettings, type OutgoingMessage, outgoingReader } from './messages';
import { traceTransactions } from './transaction';

type SendFunction<R, T> = (record: R) => Promise<T>;

export const recordMessages = (record: ProducerRecord): readonly TopicMessages[] => [record];
export const batchMessages = (batch: ProducerBatch): readonly TopicMessages[] =>
  batch?.topicMessages ?? [];

/** Wraps `kafka.producer()`: the producers it makes trace their sends and transactions. */
export function traceProducerFactory(
  settings: SettingsSource<KafkaTracingSettings>,
  producer: Kafka['producer'],
): Kafka['producer'] {
  return function tracedProducer(this: Kafka, ...args: Parameters<Kafka['producer']>): Producer {
    const created = producer.apply(this, args);
    created.send = traceSendFunction(settings, recordMessages, created.send);
    created.sendBatch = traceSendFunction(settings, batchMessages, created.sendBatch);
    created.transaction = traceTransactions(settings, created.transaction);
    return created;
  };
}

/**
 * Wraps a kafkajs send function (`send`, `sendBatch`, and those of a
 * transaction): core's send flow, with kafkajs's way of grouping messages by
 * topic. `onSent` hears which creation contexts went out.
 */
export function traceSendFunction<R, T>(
  settings: SettingsSource<KafkaTracingSettings>,
  topicMessagesOf: (record: R) => readonly TopicMessages[],
  send: SendFunction<R, T>,
  onSent?: (sent: readonly SentMessage[]) => void,
): SendFunction<R, T> {
  return function tracedSend(this: unknown, record: R) {
    return traceSend(
      settings(),
      ({ config: { producerHook } }) => ({
        messages: outgoingMessages(topicMessagesOf(record)),
        reader: outgoingReader,
        operationName: 'send',
        hook: producerHook && {
          name: 'producerHook',
          call: (span, outgoing: OutgoingMessage) => producerHook(span, outgoing),
        },
      }),
      () => send.call(this, record),
      onSent,
    );
  };
}

function outgoingMessages(groups: readonly TopicMessages[]): OutgoingMessage[] {
  const outgoing: OutgoingMessage[] = [];
  for (const { topic, messages } of groups ?? []) {
    for (const message of messages ?? []) outgoing.push({ topic, message });
  }
  return outgoing;
}
