import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextKey } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import {
  amqplibMajors,
  connect,
  type Delivery,
  deleteQueue,
  deliveryOf,
  producerKeyOf,
  publishFromTraces,
  readyCount,
  uniqueQueue,
  waitFor,
} from './amqplib-fixture';
import { amqplibInstrumentation, tracing } from './tracing';

const TRACES = 50;
const MESSAGES_PER_TRACE = 20;
const TOTAL = TRACES * MESSAGES_PER_TRACE;
const ACK_EVERY = 25;

const processSpansOf = (spans: ReadableSpan[], queue: string) =>
  spans.filter((span) => span.name === `process ${queue}` && span.kind === SpanKind.CONSUMER);

interface Handled extends Delivery {
  activeSpanId: string | undefined;
}

/**
 * Publishes 1,000 messages from 50 traces to a fresh queue and consumes them
 * with `consume`, settling each as `settle` says; resolves once all were handled.
 */
async function consumeAll(
  connection: ChannelModel,
  queue: string,
  settle: (channel: Channel, message: ConsumeMessage, index: number) => void,
) {
  const setup = await connection.createChannel();
  await setup.assertQueue(queue, { durable: false });
  await setup.close();
  const producers = await publishFromTraces(connection, queue, TRACES, MESSAGES_PER_TRACE, () =>
    tracing.spans(),
  );
  const channel = await connection.createChannel();
  const errors: unknown[] = [];
  channel.on('error', (error) => errors.push(error));
  await channel.prefetch(100);
  const handled: Handled[] = [];
  const { consumerTag } = await channel.consume(queue, (message) => {
    if (message === null) return;
    handled.push({
      ...deliveryOf(message),
      activeSpanId: trace.getActiveSpan()?.spanContext().spanId,
    });
    settle(channel, message, handled.length);
  });
  await waitFor(() => handled.length >= TOTAL, `${TOTAL} messages`);
  await channel.cancel(consumerTag);
  await channel.close();
  return { producers, handled, errors };
}

for (const copy of amqplibMajors()) {
  describe(`consume with per-message acks against a real RabbitMQ, ${copy.label}`, () => {
    const queue = uniqueQueue('consume');
    let connection: ChannelModel;
    let run: Awaited<ReturnType<typeof consumeAll>>;
    let spans: ReadableSpan[] = [];

    before(async () => {
      assert.equal(amqplibInstrumentation.isEnabled(), true);
      tracing.reset();
      connection = await connect(copy);
      run = await consumeAll(connection, queue, (channel, message) => channel.ack(message));
      spans = tracing.spans();
    });

    after(async () => {
      await deleteQueue(connection, queue);
      await connection.close();
      tracing.reset();
    });

    it('records one process span per delivery, ended at its ack: none left open', () => {
      const process = processSpansOf(spans, queue);
      assert.equal(run.handled.length, TOTAL);
      assert.equal(process.length, TOTAL);
      for (const span of process) {
        assert.equal(span.attributes['fanin.settlement'], 'ack');
        assert.equal(span.attributes['fanin.settlement.multiple'], undefined);
        assert.equal(span.status.code, SpanStatusCode.UNSET);
      }
      assert.deepEqual(
        new Set(process.map((span) => span.spanContext().spanId)),
        new Set(run.handled.map((handled) => handled.activeSpanId)),
        'each callback ran in its delivery span',
      );
    });

    it('parents each delivery span on its producer span and links it, with the delivery facts', () => {
      const byId = new Map(
        processSpansOf(spans, queue).map((span) => [span.attributes['messaging.message.id'], span]),
      );
      for (const handled of run.handled) {
        const span = byId.get(handled.messageId);
        assert.ok(span, handled.messageId);
        const producer = run.producers.get(handled.messageId);
        assert.equal(producerKeyOf(handled.traceparent), producer);
        assert.equal(
          contextKey({
            traceId: span.spanContext().traceId,
            spanId: span.parentSpanContext?.spanId ?? '',
          }),
          producer,
        );
        assert.equal(contextKey(span.links[0]?.context ?? { traceId: '', spanId: '' }), producer);
        assert.equal(
          span.attributes['messaging.rabbitmq.message.delivery_tag'],
          handled.deliveryTag,
        );
        assert.equal(span.attributes['messaging.destination.name'], queue);
      }
    });

    it('acked every delivery exactly once: nothing redelivered, the queue empty', async () => {
      assert.equal(new Set(run.handled.map((h) => h.messageId)).size, TOTAL);
      assert.equal(run.handled.filter((h) => h.redelivered).length, 0);
      assert.equal(await readyCount(connection, queue), 0);
      assert.deepEqual(run.errors, []);
    });
  });

  describe(`consume with ack(msg, true) every ${ACK_EVERY} against a real RabbitMQ, ${copy.label}`, () => {
    const queue = uniqueQueue('consume-multiple');
    let connection: ChannelModel;
    let run: Awaited<ReturnType<typeof consumeAll>>;
    let spans: ReadableSpan[] = [];

    before(async () => {
      tracing.reset();
      connection = await connect(copy);
      run = await consumeAll(connection, queue, (channel, message, count) => {
        if (count % ACK_EVERY === 0) channel.ack(message, true);
      });
      spans = tracing.spans();
    });

    after(async () => {
      await deleteQueue(connection, queue);
      await connection.close();
      tracing.reset();
    });

    it('ends every delivery span at the multiple ack that covers it', () => {
      const process = processSpansOf(spans, queue);
      assert.equal(process.length, TOTAL);
      for (const span of process) {
        assert.equal(span.attributes['fanin.settlement'], 'ack');
        assert.equal(span.attributes['fanin.settlement.multiple'], true);
      }
    });

    it(`records one settle span per ack(msg, true), linked to the ${ACK_EVERY} producers it covers`, () => {
      const settles = spans.filter((span) => span.name === `ack ${queue}`);
      assert.equal(settles.length, TOTAL / ACK_EVERY);
      for (const span of settles) {
        assert.equal(span.kind, SpanKind.CLIENT);
        assert.equal(span.attributes['messaging.operation.type'], 'settle');
        assert.equal(span.attributes['messaging.batch.message_count'], ACK_EVERY);
        assert.equal(span.links.length, ACK_EVERY);
      }
      const linked = settles.flatMap((span) => span.links.map((link) => contextKey(link.context)));
      assert.equal(linked.length, TOTAL);
      assert.deepEqual(new Set(linked), new Set(run.producers.values()));
      const tags = new Map(run.handled.map((h) => [h.messageId, h.deliveryTag]));
      for (const link of settles.flatMap((span) => span.links)) {
        const id = String(link.attributes?.['messaging.message.id']);
        assert.equal(link.attributes?.['messaging.rabbitmq.message.delivery_tag'], tags.get(id));
      }
    });

    it('acked every delivery exactly once: nothing redelivered, the queue empty', async () => {
      assert.equal(new Set(run.handled.map((h) => h.messageId)).size, TOTAL);
      assert.equal(run.handled.filter((h) => h.redelivered).length, 0);
      assert.equal(await readyCount(connection, queue), 0);
      assert.deepEqual(run.errors, []);
    });
  });

  describe(`consume settlements and channel ends against a real RabbitMQ, ${copy.label}`, () => {
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

    async function queueWith(prefix: string, count: number) {
      const queue = uniqueQueue(prefix);
      queues.push(queue);
      const setup = await connection.createChannel();
      await setup.assertQueue(queue, { durable: false });
      await setup.close();
      await publishFromTraces(connection, queue, 1, count, () => tracing.spans());
      return queue;
    }

    async function deliveriesOf(channel: Channel, queue: string, count: number) {
      const messages: ConsumeMessage[] = [];
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (message) messages.push(message);
      });
      await waitFor(() => messages.length === count, `${count} deliveries`);
      return { messages, consumerTag };
    }

    it('says nack, reject and channel close on the spans, and the broker requeues the unsettled', async () => {
      const queue = await queueWith('settlements', 4);
      const channel = await connection.createChannel();
      const { messages } = await deliveriesOf(channel, queue, 4);
      const [first, second] = messages;
      assert.ok(first && second);
      channel.reject(first, false);
      channel.nack(second, false, false);
      await channel.close();
      const process = processSpansOf(tracing.spans(), queue);
      assert.deepEqual(
        process.map((span) => [
          span.attributes['fanin.settlement'],
          span.attributes['fanin.settlement.requeue'] ?? null,
          span.status.code,
        ]),
        [
          ['reject', false, SpanStatusCode.ERROR],
          ['nack', false, SpanStatusCode.ERROR],
          ['channel_closed', null, SpanStatusCode.ERROR],
          ['channel_closed', null, SpanStatusCode.ERROR],
        ],
      );
      assert.equal(
        await readyCount(connection, queue),
        2,
        'the two unsettled went back to the queue',
      );
    });

    it('ends the spans with the error when the broker closes the channel', async () => {
      const queue = await queueWith('channel-error', 2);
      const channel = await connection.createChannel();
      const errors: Error[] = [];
      channel.on('error', (error: Error) => errors.push(error));
      const closed = new Promise((resolve) => channel.once('close', resolve));
      const { messages } = await deliveriesOf(channel, queue, 2);
      const [first] = messages;
      assert.ok(first);
      channel.ack(first);
      channel.ack(first); // an unknown delivery tag: the broker closes the channel
      await closed;
      const process = processSpansOf(tracing.spans(), queue);
      assert.equal(process.length, 2);
      const errored = process.find(
        (span) => span.attributes['fanin.settlement'] === 'channel_error',
      );
      assert.ok(errored);
      assert.match(String(errored.status.message), /PRECONDITION_FAILED/);
      assert.match(errors[0]?.message ?? '', /PRECONDITION_FAILED/);
    });

    it('with noAck, ends each span when the callback settles', async () => {
      const queue = await queueWith('no-ack', 3);
      const channel = await connection.createChannel();
      let done = 0;
      await channel.consume(
        queue,
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          done++;
        },
        { noAck: true },
      );
      await waitFor(() => done === 3, 'three callbacks');
      await new Promise((resolve) => setImmediate(resolve));
      const process = processSpansOf(tracing.spans(), queue);
      assert.deepEqual(
        process.map((span) => span.attributes['fanin.settlement']),
        ['auto_ack', 'auto_ack', 'auto_ack'],
      );
      await channel.close();
    });
  });
}
