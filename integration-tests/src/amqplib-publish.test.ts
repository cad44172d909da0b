import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextKey } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import {
  amqplibMajors,
  type CallbackChannel,
  connect,
  connectCallbackApi,
  deleteQueue,
  producerKeyOf,
  uniqueQueue,
} from './amqplib-fixture';
import { rabbitmqUrlFromEnv } from './brokers-env';
import { tracing } from './tracing';

const publishSpansOf = (queue: string) =>
  tracing
    .spans()
    .filter((span) => span.name === `publish ${queue}` && span.kind === SpanKind.PRODUCER);

for (const copy of amqplibMajors()) {
  describe(`publish against a real RabbitMQ, ${copy.label}`, () => {
    let connection: ChannelModel;
    const queues: string[] = [];

    before(async () => {
      connection = await connect(copy);
    });

    after(async () => {
      for (const queue of queues) await deleteQueue(connection, queue);
      await connection.close();
      tracing.reset();
    });

    async function queueNamed(prefix: string, args: Record<string, unknown> = {}) {
      const queue = uniqueQueue(prefix);
      queues.push(queue);
      const setup = await connection.createChannel();
      await setup.assertQueue(queue, { durable: false, arguments: args });
      await setup.close();
      return queue;
    }

    it('sends the publish span context in the headers, under the caller span', async () => {
      const queue = await queueNamed('publish');
      const channel = await connection.createChannel();
      const options = { messageId: 'order-1' };
      trace.getTracer('integration').startActiveSpan('request', (request) => {
        channel.sendToQueue(queue, Buffer.from('hello'), options);
        request.end();
      });
      assert.deepEqual(options, { messageId: 'order-1' }, "the caller's options are left alone");
      let message: Awaited<ReturnType<typeof channel.get>> = false;
      for (let i = 0; i < 100 && message === false; i++) {
        message = await channel.get(queue, { noAck: true });
        if (message === false) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(message, 'the message arrived');
      const [span] = publishSpansOf(queue);
      assert.ok(span);
      assert.equal(
        producerKeyOf(String(message.properties.headers?.traceparent)),
        contextKey(span.spanContext()),
      );
      const request = tracing.spans().find((s) => s.name === 'request');
      assert.equal(span.parentSpanContext?.spanId, request?.spanContext().spanId);
      assert.equal(span.attributes['messaging.message.id'], 'order-1');
      assert.equal(
        span.attributes['network.peer.port'],
        Number(new URL(rabbitmqUrlFromEnv()).port || 5672),
      );
      await channel.close();
    });

    it('on a confirm channel, ends the span at the confirm and says ERROR when the broker nacks', async () => {
      // A queue that holds one message and refuses publishes past it: the broker nacks them.
      const queue = await queueNamed('publish-nacked', {
        'x-max-length': 1,
        'x-overflow': 'reject-publish',
      });
      const channel: ConfirmChannel = await connection.createConfirmChannel();
      const confirms: Array<unknown> = [];
      for (const body of ['kept', 'refused']) {
        channel.sendToQueue(queue, Buffer.from(body), { messageId: body }, (error) =>
          confirms.push(error),
        );
      }
      await channel.waitForConfirms().catch(() => {});
      const byId = new Map(
        publishSpansOf(queue).map((span) => [span.attributes['messaging.message.id'], span]),
      );
      assert.equal(byId.get('kept')?.status.code, SpanStatusCode.UNSET);
      assert.equal(byId.get('refused')?.status.code, SpanStatusCode.ERROR);
      assert.equal(byId.get('refused')?.status.message, 'message nacked');
      assert.equal(confirms[0], null);
      assert.ok(confirms[1] instanceof Error, 'the callback still hears of the nack');
      await channel.close();
    });

    it('traces the callback API the same way', async () => {
      const queue = await queueNamed('publish-callback');
      const callbackConnection = await connectCallbackApi(copy);
      const channel = await new Promise<CallbackChannel>((resolve, reject) =>
        callbackConnection.createConfirmChannel((error, created) =>
          error ? reject(error) : resolve(created),
        ),
      );
      await new Promise<void>((resolve, reject) =>
        channel.sendToQueue(queue, Buffer.from('a'), {}, (error: unknown) =>
          error ? reject(error) : resolve(),
        ),
      );
      const [span] = publishSpansOf(queue);
      assert.equal(span?.status.code, SpanStatusCode.UNSET);
      await new Promise<void>((resolve) => channel.close(() => resolve()));
      await new Promise<void>((resolve) => callbackConnection.close(() => resolve()));
    });
  });
}
