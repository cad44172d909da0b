// Test support is not part of the package's exports (nor its tarball): imported by path.
import { randomUUID } from 'node:crypto';
import { contextKey } from '@fanin/test-utils';
import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  type AmqplibCopy,
  amqplibByName,
  amqplibCurrent,
} from '../../packages/instrumentation-amqplib/dist/test-support/amqplib-copies';
import { rabbitmqUrlFromEnv } from './brokers-env';
import { amqplibInstrumentation } from './tracing';

export type { AmqplibCopy };

/**
 * Both amqplib majors: 0.10.x patched by the require hook as in an
 * application, and the current major (the `amqplib-current` alias) patched
 * through the instrumentation's file definitions. Their promise APIs have the
 * same shape, so the 0.10 types describe both.
 */
export function amqplibMajors(): AmqplibCopy[] {
  return [amqplibByName(), amqplibCurrent(amqplibInstrumentation)];
}

export function connect(copy: AmqplibCopy): Promise<ChannelModel> {
  return copy.promiseApi.connect(rabbitmqUrlFromEnv()) as Promise<ChannelModel>;
}

/** The callback API's connection, for the tests of that API. */
export interface CallbackConnection {
  createChannel(callback: (error: unknown, channel: CallbackChannel) => void): void;
  createConfirmChannel(callback: (error: unknown, channel: CallbackChannel) => void): void;
  close(callback: (error: unknown) => void): void;
}
// biome-ignore lint/suspicious/noExplicitAny: the callback API's channel, typed where used
export type CallbackChannel = Record<string, any>;

export function connectCallbackApi(copy: AmqplibCopy): Promise<CallbackConnection> {
  return new Promise((resolve, reject) =>
    copy.callbackApi.connect(rabbitmqUrlFromEnv(), (error, connection) =>
      error ? reject(error) : resolve(connection as CallbackConnection),
    ),
  );
}

/** A queue name no other test or run uses. */
export function uniqueQueue(prefix: string): string {
  return `fanin-${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A message's id: `t{trace}-m{message}`. */
export const messageIdOf = (t: number, m: number) => `t${t}-m${m}`;

/**
 * Publishes `traces` upstream requests of `perTrace` messages each, every
 * request its own trace, through a confirm channel, and waits for the
 * broker's confirms. Returns the producer span of each message id.
 */
export async function publishFromTraces(
  connection: ChannelModel,
  queue: string,
  traces: number,
  perTrace: number,
  spans: () => ReadableSpan[],
): Promise<Map<string, string>> {
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  const tracer = trace.getTracer('integration-upstream');
  const ids = new Set<string>();
  for (let t = 0; t < traces; t++) {
    tracer.startActiveSpan(`request ${t}`, (request) => {
      for (let m = 0; m < perTrace; m++) {
        const messageId = messageIdOf(t, m);
        ids.add(messageId);
        channel.sendToQueue(queue, Buffer.from(`order ${messageId}`), { messageId });
      }
      request.end();
    });
  }
  await channel.waitForConfirms();
  await channel.close();
  const producers = new Map<string, string>();
  for (const span of spans()) {
    const id = span.attributes['messaging.message.id'];
    if (span.kind === SpanKind.PRODUCER && typeof id === 'string' && ids.has(id)) {
      producers.set(id, contextKey(span.spanContext()));
    }
  }
  return producers;
}

/** What a consumer saw of one delivery. */
export interface Delivery {
  messageId: string;
  deliveryTag: number;
  redelivered: boolean;
  traceparent: string | undefined;
}

export function deliveryOf(message: ConsumeMessage): Delivery {
  const header = message.properties.headers?.traceparent;
  return {
    messageId: String(message.properties.messageId),
    deliveryTag: message.fields.deliveryTag,
    redelivered: message.fields.redelivered,
    traceparent: header === undefined ? undefined : String(header),
  };
}

/** Messages ready in `queue` (not delivered, or delivered and requeued), per the broker. */
export async function readyCount(connection: ChannelModel, queue: string): Promise<number> {
  const channel: Channel = await connection.createChannel();
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close();
  }
}

export async function deleteQueue(connection: ChannelModel, queue: string): Promise<void> {
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await channel.close();
}

export { producerKeyOf } from '@fanin/test-utils';
export { waitFor } from './wait-for';
