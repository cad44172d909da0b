import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  type MessageReader,
  type OutgoingReader,
  type RenamedAttribute,
} from '@fanin/core/adapter';
import type { Attributes } from '@opentelemetry/api';
import type { ConsumedMessage, EachMessagePayload, Message, TopicMessages } from './api';
import type { KafkaTracingSettings } from './config';

export const MESSAGING_SYSTEM_KAFKA = 'kafka';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
export const ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE = 'messaging.kafka.message.tombstone';

const OFFSET: RenamedAttribute = {
  name: ATTR_MESSAGING_KAFKA_OFFSET,
  oldName: 'messaging.kafka.message.offset',
};
const PARTITION: RenamedAttribute = {
  name: ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  oldName: 'messaging.kafka.destination.partition',
};
const CONSUMER_GROUP: RenamedAttribute = {
  name: ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  oldName: 'messaging.kafka.consumer.group',
};
const MAX_KEY_LENGTH = 256;

/** Kafka offsets are int64 strings; a number where that is exact, the string otherwise. */
export function offsetValue(offset: unknown): number | string | undefined {
  if (typeof offset !== 'string') return undefined;
  const value = Number(offset);
  return Number.isSafeInteger(value) ? value : offset;
}

/** A message key as text for `messaging.kafka.message.key`, bounded. */
export function keyValue(key: unknown): string | undefined {
  if (typeof key === 'string') return key.length <= MAX_KEY_LENGTH ? key : undefined;
  if (Buffer.isBuffer(key) && key.length <= MAX_KEY_LENGTH) return key.toString('utf8');
  return undefined;
}

function writePartition(
  settings: KafkaTracingSettings,
  into: Attributes,
  partition: unknown,
): void {
  if (typeof partition === 'number')
    settings.names.set(into, PARTITION, String(partition), partition);
}

/** Per-message facts: on the link to the message's producer, or on its own span. */
function writeMessageFacts(
  settings: KafkaTracingSettings,
  partition: unknown,
  message: ConsumedMessage,
  into: Attributes,
): Attributes {
  settings.names.set(into, OFFSET, offsetValue(message.offset));
  writePartition(settings, into, partition);
  if (settings.config.captureMessageKey) {
    const key = keyValue(message.key);
    if (key !== undefined) into[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
  }
  return into;
}

/** What a message's own span says beyond its facts: the group, tombstone or body size. */
function writeMessageSpanFacts(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  partition: unknown,
  message: ConsumedMessage,
): Attributes {
  const attributes = consumerGroupAttributes(settings, groupId);
  writeMessageFacts(settings, partition, message, attributes);
  if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
  else if (Buffer.isBuffer(message.value)) {
    attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = message.value.length;
  }
  return attributes;
}

function consumerGroupAttributes(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
): Attributes {
  const attributes: Attributes = {};
  settings.names.set(attributes, CONSUMER_GROUP, groupId);
  return attributes;
}

/** The batch span's own attributes: consumer group and partition. */
export function batchAttributes(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  partition: unknown,
): Attributes {
  const attributes = consumerGroupAttributes(settings, groupId);
  writePartition(settings, attributes, partition);
  return attributes;
}

/**
 * The link attributes of one batch's messages. With the current names only
 * and no key (the defaults) it builds each object in one literal, with the
 * partition's text made once: this runs once per producer of every batch.
 */
function linkAttributesOfBatch(
  settings: KafkaTracingSettings,
  partition: unknown,
): (message: ConsumedMessage) => Attributes {
  const { emitNew, emitOld } = settings.names;
  if (!emitNew || emitOld || settings.config.captureMessageKey || typeof partition !== 'number') {
    return (message) => writeMessageFacts(settings, partition, message, {});
  }
  const partitionId = String(partition);
  return (message) => {
    const offset = offsetValue(message.offset);
    return offset === undefined
      ? { [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: partitionId }
      : {
          [ATTR_MESSAGING_KAFKA_OFFSET]: offset,
          [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: partitionId,
        };
  };
}

/** How to read the messages of one `eachBatch` batch (they share a partition). */
export function batchReader(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
  partition: unknown,
): MessageReader<ConsumedMessage> {
  return {
    headers: (message) => message.headers,
    linkAttributes: linkAttributesOfBatch(settings, partition),
    spanAttributes: (message) => writeMessageSpanFacts(settings, groupId, partition, message),
  };
}

/** How to read the message of an `eachMessage` call. */
export function eachMessageReader(
  settings: KafkaTracingSettings,
  groupId: string | undefined,
): MessageReader<EachMessagePayload> {
  return {
    headers: ({ message }) => message.headers,
    linkAttributes: ({ partition, message }) => writeMessageFacts(settings, partition, message, {}),
    spanAttributes: ({ partition, message }) =>
      writeMessageSpanFacts(settings, groupId, partition, message),
  };
}

/** A message on its way out: the KafkaJS API groups messages by topic. */
export interface OutgoingMessage {
  topic: TopicMessages['topic'];
  message: Message;
}

/** How to read and write the headers of a message being sent. */
export const outgoingReader: OutgoingReader<OutgoingMessage> = {
  destination: ({ topic }) => topic,
  headers: ({ message }) => message.headers,
  setHeaders: ({ message }, headers) => {
    message.headers = headers;
  },
  spanAttributes: () => ({}),
};
