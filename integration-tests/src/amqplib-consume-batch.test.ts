import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BatchConsumer, consumeBatch } from '@fanin/instrumentation-amqplib';
import { contextKey, reachableLinks } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import {
  amqplibMajors,
  type CallbackChannel,
  connect,
  connectCallbackApi,
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
const MAX_MESSAGES = 200;

interface Invocation {
  activeSpanId: string | undefined;
  deliveries: Delivery[];
}

const batchSpansOf = (spans: ReadableSpan[], queue: string) =>
  spans.filter(
    (span) =>
      span.name === `process ${queue}` &&
      span.kind === SpanKind.CONSUMER &&
      !span.parentSpanContext,
  );

for (const copy of amqplibMajors()) {
  describe(`consumeBatch against a real RabbitMQ, ${copy.label}`, () => {
    const queue = uniqueQueue('consume-batch');
    let connection: ChannelModel;
    let producers = new Map<string, string>();
    const invocations: Invocation[] = [];
    const channelErrors: unknown[] = [];
    let spans: ReadableSpan[] = [];

    before(async () => {
      assert.equal(amqplibInstrumentation.isEnabled(), true);
      tracing.reset();
      connection = await connect(copy);
      const setup = await connection.createChannel();
      await setup.assertQueue(queue, { durable: false });
      await setup.close();
      producers = await publishFromTraces(connection, queue, TRACES, MESSAGES_PER_TRACE, () =>
        tracing.spans(),
      );

      const channel: Channel = await connection.createChannel();
      channel.on('error', (error) => channelErrors.push(error));
      let received = 0;
      const consumer = await consumeBatch(
        channel,
        queue,
        { maxMessages: MAX_MESSAGES, maxWaitMs: 200 },
        async (messages: ConsumeMessage[]) => {
          invocations.push({
            activeSpanId: trace.getActiveSpan()?.spanContext().spanId,
            deliveries: messages.map(deliveryOf),
          });
          received += messages.length;
        },
      );
      await waitFor(() => received >= TOTAL, `${TOTAL} messages`);
      await consumer.cancel();
      // Closing the channel would requeue whatever was left unacked.
      await channel.close();
      spans = tracing.spans();
    });

    after(async () => {
      await deleteQueue(connection, queue);
      await connection.close();
      tracing.reset();
    });

    const batchSpans = () => batchSpansOf(spans, queue);

    it('published 1,000 messages from 50 traces, each with its own producer span', () => {
      assert.equal(producers.size, TOTAL);
      assert.equal(new Set(producers.values()).size, TOTAL);
      const traces = new Set([...producers.values()].map((key) => key.split('/')[0]));
      assert.equal(traces.size, TRACES);
      for (const span of spans.filter((s) => s.kind === SpanKind.PRODUCER)) {
        assert.equal(span.status.code, SpanStatusCode.UNSET, 'every publish was confirmed');
      }
    });

    it('records exactly one process span per batch, which the handler ran in', () => {
      const batches = batchSpans();
      assert.equal(batches.length, invocations.length);
      assert.deepEqual(
        new Set(batches.map((span) => span.spanContext().spanId)),
        new Set(invocations.map((invocation) => invocation.activeSpanId)),
      );
      for (const invocation of invocations) assert.ok(invocation.deliveries.length <= MAX_MESSAGES);
      for (const span of batches) {
        assert.equal(span.attributes['messaging.system'], 'rabbitmq');
        assert.equal(span.attributes['messaging.destination.name'], queue);
        assert.equal(span.attributes['fanin.settlement'], 'ack');
        assert.equal(span.attributes['fanin.settlement.multiple'], true);
        assert.equal(span.status.code, SpanStatusCode.UNSET);
      }
      const perDelivery = spans.filter(
        (span) => span.name === `process ${queue}` && span.parentSpanContext,
      );
      assert.equal(perDelivery.length, 0, 'consumeBatch deliveries get no span of their own');
    });

    it('reaches every producer span exactly once, never more than 128 links a span', () => {
      const reached = batchSpans().flatMap((span) => reachableLinks(span, spans));
      assert.equal(reached.length, TOTAL);
      assert.deepEqual(new Set(reached), new Set(producers.values()));
      for (const span of spans) assert.ok(span.links.length <= 128);
    });

    it("puts each message's id and delivery tag on the link to its producer", () => {
      const batches = new Map(batchSpans().map((span) => [span.spanContext().spanId, span]));
      for (const invocation of invocations) {
        const span = batches.get(invocation.activeSpanId ?? '');
        assert.ok(span);
        assert.equal(
          span.attributes['messaging.batch.message_count'],
          invocation.deliveries.length,
        );
        const spill = spans.filter(
          (s) => s.parentSpanContext?.spanId === span.spanContext().spanId,
        );
        const links = new Map(
          [span, ...spill].flatMap((s) => s.links).map((link) => [contextKey(link.context), link]),
        );
        for (const delivery of invocation.deliveries) {
          const producer = producers.get(delivery.messageId);
          assert.equal(
            producerKeyOf(delivery.traceparent),
            producer,
            'the header names the producer span',
          );
          const link = links.get(producer ?? '');
          assert.ok(link, `${delivery.messageId} is linked`);
          assert.equal(link.attributes?.['messaging.message.id'], delivery.messageId);
          assert.equal(
            link.attributes?.['messaging.rabbitmq.message.delivery_tag'],
            delivery.deliveryTag,
          );
          assert.equal(link.attributes?.['fanin.message.redelivered'], undefined);
        }
      }
    });

    it('acks every delivery exactly once: nothing redelivered, the queue empty, no channel error', async () => {
      const handled = invocations.flatMap((invocation) => invocation.deliveries);
      assert.equal(handled.length, TOTAL);
      assert.equal(new Set(handled.map((d) => d.messageId)).size, TOTAL);
      assert.equal(handled.filter((d) => d.redelivered).length, 0);
      assert.equal(await readyCount(connection, queue), 0);
      assert.deepEqual(channelErrors, []);
    });

    it('shows one real batch span', () => {
      const largest = batchSpans().sort(
        (a, b) =>
          Number(b.attributes['messaging.batch.message_count']) -
          Number(a.attributes['messaging.batch.message_count']),
      )[0];
      assert.ok(largest);
      console.log(
        JSON.stringify(
          {
            amqplib: copy.version,
            name: largest.name,
            kind: SpanKind[largest.kind],
            instrumentationScope: largest.instrumentationScope.name,
            attributes: largest.attributes,
            links: largest.links.length,
            firstLink: largest.links[0],
            spillSpans: spans.filter(
              (s) => s.parentSpanContext?.spanId === largest.spanContext().spanId,
            ).length,
            batches: batchSpans().length,
          },
          null,
          2,
        ),
      );
    });
  });

  describe(`consumeBatch failures and stops against a real RabbitMQ, ${copy.label}`, () => {
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

    async function freshQueue(prefix: string, traces: number, perTrace: number) {
      const queue = uniqueQueue(prefix);
      queues.push(queue);
      const setup = await connection.createChannel();
      await setup.assertQueue(queue, { durable: false });
      await setup.close();
      const producers = await publishFromTraces(connection, queue, traces, perTrace, () =>
        tracing.spans(),
      );
      return { queue, producers };
    }

    it('nacks a failing batch, which is redelivered, processed again, and its span says ERROR', async () => {
      const { queue, producers } = await freshQueue('failing-batch', 3, 10);
      const channel = await connection.createChannel();
      const errors: unknown[] = [];
      channel.on('error', (error) => errors.push(error));
      const done = new Map<string, Delivery>();
      let failed = false;
      const consumer = await consumeBatch(
        channel,
        queue,
        { maxMessages: 10, maxWaitMs: 100 },
        (messages) => {
          const deliveries = messages.map(deliveryOf);
          if (!failed && deliveries.some((d) => d.messageId === 't1-m3')) {
            failed = true;
            throw new Error('payment service unavailable');
          }
          for (const delivery of deliveries) done.set(delivery.messageId, delivery);
        },
      );
      await waitFor(() => done.size === producers.size, 'every message processed');
      await consumer.cancel();
      await channel.close();
      const spans = batchSpansOf(tracing.spans(), queue);
      const failures = spans.filter((span) => span.status.code === SpanStatusCode.ERROR);
      assert.equal(failures.length, 1);
      const [failure] = failures;
      assert.equal(failure?.status.message, 'payment service unavailable');
      assert.equal(failure?.attributes['fanin.settlement'], 'nack');
      assert.equal(failure?.attributes['fanin.settlement.requeue'], true);
      assert.equal(failure?.events[0]?.name, 'exception');
      const failedKeys = new Set(failure?.links.map((link) => contextKey(link.context)));
      const retried = [...done.values()].filter((d) =>
        failedKeys.has(producerKeyOf(d.traceparent) ?? ''),
      );
      assert.equal(retried.length, failedKeys.size, 'the failed batch came back in full');
      for (const delivery of retried) assert.equal(delivery.redelivered, true);
      const retrySpans = spans.filter(
        (span) => Number(span.attributes['fanin.messages.redelivered']) > 0,
      );
      assert.ok(retrySpans.length >= 1);
      for (const span of retrySpans) assert.equal(span.status.code, SpanStatusCode.UNSET);
      const redeliveredLinks = retrySpans
        .flatMap((span) => span.links)
        .filter((link) => link.attributes?.['fanin.message.redelivered'] === true)
        .map((link) => contextKey(link.context));
      assert.deepEqual(new Set(redeliveredLinks), failedKeys);
      assert.equal(await readyCount(connection, queue), 0);
      assert.deepEqual(errors, []);
    });

    it('on cancel, handles and acks the batch in hand before it resolves', async () => {
      const { queue, producers } = await freshQueue('cancel', 1, 5);
      const channel = await connection.createChannel();
      const handled: string[] = [];
      const consumer: BatchConsumer = await consumeBatch(
        channel,
        queue,
        { maxMessages: 100, maxWaitMs: 600_000 },
        (messages) => {
          handled.push(...messages.map((m) => String(m.properties.messageId)));
        },
      );
      // Delivered to the consumer (no longer ready), but not a full batch: in hand.
      await waitFor(async () => (await readyCount(connection, queue)) === 0, 'deliveries in hand');
      assert.deepEqual(handled, []);
      await consumer.cancel();
      assert.equal(handled.length, producers.size);
      await channel.close();
      assert.equal(await readyCount(connection, queue), 0, 'they were acked before the close');
      await consumer.stopped;
    });

    it('when its channel closes mid-batch, neither loses nor double-acks a message', async () => {
      const { queue, producers } = await freshQueue('closed-channel', 2, 10);
      const channel = await connection.createChannel();
      const errors: unknown[] = [];
      channel.on('error', (error) => errors.push(error));
      let release: () => void = () => {};
      let firstBatch: string[] = [];
      const consumer = await consumeBatch(
        channel,
        queue,
        { maxMessages: 10, maxWaitMs: 100 },
        (messages) => {
          firstBatch = messages.map((m) => String(m.properties.messageId));
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      );
      await waitFor(() => firstBatch.length > 0, 'the first batch');
      await channel.close();
      release();
      await consumer.stopped;

      const second = await connection.createChannel();
      second.on('error', (error) => errors.push(error));
      const done = new Map<string, Delivery>();
      const rescuer = await consumeBatch(
        second,
        queue,
        { maxMessages: 50, maxWaitMs: 100 },
        (messages) => {
          for (const message of messages)
            done.set(String(message.properties.messageId), deliveryOf(message));
        },
      );
      await waitFor(() => done.size === producers.size, 'every message, once more');
      await rescuer.cancel();
      await second.close();
      for (const id of firstBatch) assert.equal(done.get(id)?.redelivered, true, `${id} came back`);
      assert.equal(await readyCount(connection, queue), 0);
      assert.deepEqual(errors, [], 'no channel closed over an unknown delivery tag');
      const [closed] = batchSpansOf(tracing.spans(), queue).filter(
        (span) => span.attributes['fanin.settlement'] === 'channel_closed',
      );
      assert.equal(closed?.status.code, SpanStatusCode.ERROR);
      assert.equal(closed?.attributes['messaging.batch.message_count'], firstBatch.length);
    });

    it('processes messages with hostile header tables, as amqplib decodes them, without a throw', async () => {
      const queue = uniqueQueue('hostile-headers');
      queues.push(queue);
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue(queue, { durable: false });
      const hostile: Array<Record<string, unknown>> = [
        { traceparent: { nested: { table: { deeper: [1, 'two', { three: 3 }] } } } },
        { traceparent: 42, tracestate: 3.5, baggage: true },
        { traceparent: Buffer.alloc(20_000, 0x41) },
        { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01${'x'.repeat(20_000)}` },
        { traceparent: ['00-not-a-context', null] },
        JSON.parse(
          '{"__proto__": {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}',
        ),
      ];
      // Published raw: the instrumentation would otherwise give each a valid context.
      amqplibInstrumentation.disable();
      try {
        for (const headers of hostile) channel.sendToQueue(queue, Buffer.from('x'), { headers });
      } finally {
        amqplibInstrumentation.enable();
      }
      await channel.waitForConfirms();
      await channel.close();

      const consumerChannel = await connection.createChannel();
      let handled = 0;
      const consumer = await consumeBatch(
        consumerChannel,
        queue,
        { maxMessages: hostile.length, maxWaitMs: 1000 },
        (messages) => {
          handled += messages.length;
        },
      );
      await waitFor(() => handled === hostile.length, 'every hostile message');
      await consumer.cancel();
      await consumerChannel.close();
      const [span] = batchSpansOf(tracing.spans(), queue);
      assert.ok(span);
      assert.equal(span.links.length, 0);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(
        Number(span.attributes['fanin.messages.without_context']) +
          Number(span.attributes['fanin.messages.invalid_context']),
        hostile.length,
      );
      assert.equal(await readyCount(connection, queue), 0);
    });

    it('consumes with a callback API channel too', async () => {
      const { queue, producers } = await freshQueue('callback-api', 5, 20);
      const callbackConnection = await connectCallbackApi(copy);
      const channel = await new Promise<CallbackChannel>((resolve, reject) =>
        callbackConnection.createChannel((error, created) =>
          error ? reject(error) : resolve(created),
        ),
      );
      let received = 0;
      const consumer = await consumeBatch(
        channel as never,
        queue,
        { maxMessages: 30, maxWaitMs: 100 },
        (messages: ConsumeMessage[]) => {
          received += messages.length;
        },
      );
      await waitFor(() => received === producers.size, 'every message');
      await consumer.cancel();
      await new Promise<void>((resolve) => channel.close(() => resolve()));
      await new Promise<void>((resolve) => callbackConnection.close(() => resolve()));
      const spans = tracing.spans();
      const batches = batchSpansOf(spans, queue);
      assert.equal(
        batches.reduce(
          (sum, span) => sum + Number(span.attributes['messaging.batch.message_count']),
          0,
        ),
        producers.size,
      );
      assert.deepEqual(
        new Set(batches.flatMap((span) => reachableLinks(span, spans))),
        new Set(producers.values()),
      );
      assert.equal(await readyCount(connection, queue), 0);
    });
  });
}
