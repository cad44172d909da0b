import { type SentMessage, type SettingsSource, traceSend } from '@fanin/core/adapter';
import type { ProducerBatch, Sender, SendFunction, TopicMessages } from './api';
import type { KafkaTracingSettings } from './config';
import { type OutgoingMessage, outgoingReader } from './messages';

const recordMessages = (record: TopicMessages): readonly TopicMessages[] => [record];
const batchMessages = (batch: ProducerBatch): readonly TopicMessages[] =>
  batch?.topicMessages ?? [];

/**
 * Traces `send` and `sendBatch` of a producer or a transaction. One call is
 * traced once: a library whose `sendBatch` calls `this.send` (Confluent's
 * does) gets one span for the `sendBatch`, as kafkajs does, because a send
 * started while another of the same sender is starting passes through.
 */
export function traceSenders(
  settings: SettingsSource<KafkaTracingSettings>,
  sender: Sender,
  onSent?: (sent: readonly SentMessage[]) => void,
): void {
  const guard = { starting: false };
  sender.send = traceSendFunction(settings, guard, recordMessages, sender.send, onSent);
  sender.sendBatch = traceSendFunction(settings, guard, batchMessages, sender.sendBatch, onSent);
}

/**
 * Wraps one send function: core's send flow, with the KafkaJS API's way of
 * grouping messages by topic. `onSent` hears which creation contexts went
 * out. The original is called synchronously inside core's flow, so `guard`
 * is set exactly while it may call the sender's other send function.
 */
function traceSendFunction<R>(
  settings: SettingsSource<KafkaTracingSettings>,
  guard: { starting: boolean },
  topicMessagesOf: (record: R) => readonly TopicMessages[],
  send: SendFunction<R>,
  onSent?: (sent: readonly SentMessage[]) => void,
): SendFunction<R> {
  return function tracedSend(this: unknown, record: R) {
    if (guard.starting) return send.call(this, record);
    guard.starting = true;
    try {
      return traceSend(
        settings(),
        ({ config }) => ({
          messages: outgoingMessages(topicMessagesOf(record)),
          reader: outgoingReader,
          operationName: 'send',
          hook: config.producerHook && {
            name: 'producerHook',
            call: (span, outgoing: OutgoingMessage) => config.producerHook?.(span, outgoing),
          },
        }),
        () => send.call(this, record),
        onSent,
      );
    } finally {
      guard.starting = false;
    }
  };
}

function outgoingMessages(groups: readonly TopicMessages[]): OutgoingMessage[] {
  const outgoing: OutgoingMessage[] = [];
  for (const { topic, messages } of groups ?? []) {
    for (const message of messages ?? []) outgoing.push({ topic, message });
  }
  return outgoing;
}
