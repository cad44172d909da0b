import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_SYSTEM,
  type MessagingOperationType,
} from '@fanin/core';
import type { Attributes } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import type { KafkaTracingSettings } from './settings';

export const MESSAGING_SYSTEM_KAFKA = 'kafka';
const MAX_KEY_LENGTH = 256;

/** Kafka offsets are int64 strings; a number where that is exact, the string otherwise. */
export function offsetValue(offset: string): number | string {
  const value = Number(offset);
  return Number.isSafeInteger(value) ? value : offset;
}

/** A message key as text for `messaging.kafka.message.key`, bounded. */
export function keyValue(key: unknown): string | undefined {
  if (typeof key === 'string') return key.length <= MAX_KEY_LENGTH ? key : undefined;
  if (Buffer.isBuffer(key) && key.length <= MAX_KEY_LENGTH) return key.toString('utf8');
  return undefined;
}

/** The attributes every span of an operation on `topic` carries. */
export function operationAttributes(
  settings: KafkaTracingSettings,
  operation: MessagingOperationType,
  topic: string | undefined,
): Attributes {
  const attributes: Attributes = { [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA };
  settings.names.operation(attributes, operation, operation);
  if (topic !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = topic;
  return attributes;
}

/** Per-message facts: on a link to the message's producer, or on the message's own span. */
export function consumedMessageAttributes(
  settings: KafkaTracingSettings,
  partition: number,
  message: KafkaMessage,
  into: Attributes = {},
): Attributes {
  settings.names.kafkaOffset(into, offsetValue(message.offset));
  settings.names.partition(into, partition);
  if (settings.config.captureMessageKey) {
    const key = keyValue(message.key);
    if (key !== undefined) into[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
  }
  return into;
}

/** Attributes of a message's own span (eachMessage, per-message child spans). */
export function messageSpanAttributes(
  settings: KafkaTracingSettings,
  topic: string,
  partition: number,
  groupId: string | undefined,
  message: KafkaMessage,
): Attributes {
  const attributes = operationAttributes(settings, 'process', topic);
  settings.names.consumerGroup(attributes, groupId);
  consumedMessageAttributes(settings, partition, message, attributes);
  if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
  else if (Buffer.isBuffer(message.value)) {
    attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = message.value.length;
  }
  return attributes;
}
