import {
  ATTR_FANIN_MESSAGE_REDELIVERED,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG,
  ATTR_MESSAGING_RABBITMQ_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  type MessagingAttributeNames,
  type MessagingOperationType,
} from '@fanin/core';
import type { Attributes } from '@opentelemetry/api';
import type { AmqpMessage, AmqpPublishOptions } from './types';

export const MESSAGING_SYSTEM_RABBITMQ = 'rabbitmq';
const DEFAULT_EXCHANGE = 'amq.default';
const MAX_ID_LENGTH = 256;

/**
 * The destination of a publish: `{exchange}:{routing key}`, or whichever of
 * the two is set (the routing key alone is the queue, through the default
 * exchange), or `amq.default`.
 */
export function publishDestination(exchange: unknown, routingKey: unknown): string {
  const name = typeof exchange === 'string' ? exchange : '';
  const key = typeof routingKey === 'string' ? routingKey : '';
  if (name && key) return `${name}:${key}`;
  return name || key || DEFAULT_EXCHANGE;
}

/** A message or correlation id as an attribute value: short text, or nothing. */
export function idValue(id: unknown): string | undefined {
  if (typeof id === 'string') return id.length > 0 && id.length <= MAX_ID_LENGTH ? id : undefined;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

/** The attributes every span of an operation on `destination` carries. */
export function operationAttributes(
  names: MessagingAttributeNames,
  type: MessagingOperationType,
  name: string,
  destination: string | undefined,
  channel: unknown,
): Attributes {
  const attributes: Attributes = { [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_RABBITMQ };
  names.operation(attributes, type, name);
  if (destination !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = destination;
  return Object.assign(attributes, peerAttributes(channel));
}

/** Attributes of a publish span. */
export function publishAttributes(
  names: MessagingAttributeNames,
  channel: unknown,
  exchange: string,
  routingKey: string,
  content: unknown,
  options: AmqpPublishOptions | undefined,
): Attributes {
  const attributes = operationAttributes(
    names,
    'send',
    'publish',
    publishDestination(exchange, routingKey),
    channel,
  );
  if (typeof routingKey === 'string' && routingKey !== '') {
    attributes[ATTR_MESSAGING_RABBITMQ_ROUTING_KEY] = routingKey;
  }
  setIfDefined(attributes, ATTR_MESSAGING_MESSAGE_ID, idValue(options?.messageId));
  setIfDefined(attributes, ATTR_MESSAGING_MESSAGE_CONVERSATION_ID, idValue(options?.correlationId));
  if (Buffer.isBuffer(content)) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = content.length;
  return attributes;
}

/** Per-delivery facts: on a link to the message's producer. */
export function deliveryLinkAttributes(message: AmqpMessage): Attributes {
  const attributes: Attributes = {};
  setIfDefined(attributes, ATTR_MESSAGING_MESSAGE_ID, idValue(message.properties?.messageId));
  const tag = message.fields?.deliveryTag;
  if (typeof tag === 'number') attributes[ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG] = tag;
  if (message.fields?.redelivered === true) attributes[ATTR_FANIN_MESSAGE_REDELIVERED] = true;
  return attributes;
}

/** Attributes of one delivery's own span (`consume`, per-message child spans). */
export function deliverySpanAttributes(
  names: MessagingAttributeNames,
  channel: unknown,
  queue: string,
  message: AmqpMessage,
): Attributes {
  const attributes = operationAttributes(names, 'process', 'process', queue, channel);
  Object.assign(attributes, deliveryLinkAttributes(message));
  const routingKey = message.fields?.routingKey;
  if (typeof routingKey === 'string' && routingKey !== '') {
    attributes[ATTR_MESSAGING_RABBITMQ_ROUTING_KEY] = routingKey;
  }
  setIfDefined(
    attributes,
    ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
    idValue(message.properties?.correlationId),
  );
  if (Buffer.isBuffer(message.content)) {
    attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = message.content.length;
  }
  return attributes;
}

function setIfDefined(attributes: Attributes, key: string, value: string | undefined): void {
  if (value !== undefined) attributes[key] = value;
}

const peers = new WeakMap<object, Attributes>();

/**
 * `network.peer.address` / `network.peer.port` of the broker a channel talks
 * to, read from its connection's socket once (a closed socket forgets them).
 */
export function peerAttributes(channel: unknown): Attributes {
  try {
    const connection = (channel as { connection?: unknown } | null)?.connection;
    if (typeof connection !== 'object' || connection === null) return {};
    const known = peers.get(connection);
    if (known !== undefined) return known;
    const socket = (connection as { stream?: { remoteAddress?: unknown; remotePort?: unknown } })
      .stream;
    const attributes: Attributes = {};
    if (typeof socket?.remoteAddress === 'string') {
      attributes[ATTR_NETWORK_PEER_ADDRESS] = socket.remoteAddress;
    }
    if (typeof socket?.remotePort === 'number')
      attributes[ATTR_NETWORK_PEER_PORT] = socket.remotePort;
    if (Object.keys(attributes).length > 0) peers.set(connection, Object.freeze(attributes));
    return attributes;
  } catch {
    return {};
  }
}
