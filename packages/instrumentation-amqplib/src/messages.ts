import { ATTR_FANIN_MESSAGE_REDELIVERED } from '@fanin/core';
import {
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  type MessageReader,
  type OutgoingReader,
} from '@fanin/core/adapter';
import type { Attributes } from '@opentelemetry/api';
import type { AmqpMessage, AmqpPublishOptions, PublishHookInfo } from './types';

export const MESSAGING_SYSTEM_RABBITMQ = 'rabbitmq';
export const ATTR_MESSAGING_RABBITMQ_ROUTING_KEY = 'messaging.rabbitmq.destination.routing_key';
export const ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG = 'messaging.rabbitmq.message.delivery_tag';
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

function setIfDefined(attributes: Attributes, key: string, value: string | undefined): void {
  if (value !== undefined) attributes[key] = value;
}

function setRoutingKey(attributes: Attributes, routingKey: unknown): void {
  if (typeof routingKey === 'string' && routingKey !== '') {
    attributes[ATTR_MESSAGING_RABBITMQ_ROUTING_KEY] = routingKey;
  }
}

function setBodySize(attributes: Attributes, content: unknown): void {
  if (Buffer.isBuffer(content)) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = content.length;
}

/** Per-delivery facts: on the link to the message's producer (and on its own span). */
export function deliveryLinkAttributes(message: AmqpMessage, into: Attributes = {}): Attributes {
  setIfDefined(into, ATTR_MESSAGING_MESSAGE_ID, idValue(message.properties?.messageId));
  const tag = message.fields?.deliveryTag;
  if (typeof tag === 'number') into[ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG] = tag;
  if (message.fields?.redelivered === true) into[ATTR_FANIN_MESSAGE_REDELIVERED] = true;
  return into;
}

/** How to read deliveries that arrived on `channel`. */
export function deliveryReader(channel: unknown): MessageReader<AmqpMessage> {
  return {
    headers: (message) => message.properties?.headers,
    linkAttributes: (message) => deliveryLinkAttributes(message),
    spanAttributes: (message) => {
      const attributes = deliveryLinkAttributes(message, peerAttributes(channel));
      setRoutingKey(attributes, message.fields?.routingKey);
      const conversationId = idValue(message.properties?.correlationId);
      setIfDefined(attributes, ATTR_MESSAGING_MESSAGE_CONVERSATION_ID, conversationId);
      setBodySize(attributes, message.content);
      return attributes;
    },
  };
}

/** One `publish` call's message; `options` is replaced by a copy carrying the context. */
export interface OutgoingPublish extends PublishHookInfo {
  channel: unknown;
}

/** The message of a `publish(exchange, routingKey, content, options)` call on `channel`. */
export function outgoingPublish(
  channel: unknown,
  isConfirmChannel: boolean,
  [exchange, routingKey, content, options]: [string, string, Buffer, AmqpPublishOptions?],
): OutgoingPublish {
  return { channel, exchange, routingKey, content, options, isConfirmChannel };
}

/** How to read and write a published message. */
export const publishReader: OutgoingReader<OutgoingPublish> = {
  destination: ({ exchange, routingKey }) => publishDestination(exchange, routingKey),
  headers: ({ options }) =>
    typeof options === 'object' && options !== null ? options.headers : undefined,
  // The caller's options object stays as it was: applications often reuse one for every publish.
  setHeaders: (publish, headers) => {
    const given =
      typeof publish.options === 'object' && publish.options !== null ? publish.options : {};
    publish.options = { ...given, headers };
  },
  spanAttributes: ({ channel, routingKey, content, options }) => {
    const attributes = peerAttributes(channel);
    setRoutingKey(attributes, routingKey);
    setIfDefined(attributes, ATTR_MESSAGING_MESSAGE_ID, idValue(options?.messageId));
    setIfDefined(
      attributes,
      ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
      idValue(options?.correlationId),
    );
    setBodySize(attributes, content);
    return attributes;
  },
};

const peers = new WeakMap<object, Readonly<Attributes>>();

/**
 * `network.peer.address` / `network.peer.port` of the broker a channel talks
 * to, read from its connection's socket once (a closed socket forgets them).
 * A new object each call, for the caller to add to.
 */
export function peerAttributes(channel: unknown): Attributes {
  try {
    const connection = (channel as { connection?: unknown } | null)?.connection;
    if (typeof connection !== 'object' || connection === null) return {};
    const known = peers.get(connection);
    if (known !== undefined) return { ...known };
    const socket = (connection as { stream?: { remoteAddress?: unknown; remotePort?: unknown } })
      .stream;
    const attributes: Attributes = {};
    if (typeof socket?.remoteAddress === 'string') {
      attributes[ATTR_NETWORK_PEER_ADDRESS] = socket.remoteAddress;
    }
    if (typeof socket?.remotePort === 'number') {
      attributes[ATTR_NETWORK_PEER_PORT] = socket.remotePort;
    }
    if (Object.keys(attributes).length > 0) peers.set(connection, Object.freeze({ ...attributes }));
    return attributes;
  } catch {
    return {};
  }
}
