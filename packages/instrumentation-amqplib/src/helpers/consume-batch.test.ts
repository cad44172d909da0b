import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  childrenOf,
  contextKey,
  installTestTracing,
  reachableLinks,
  testSpanId,
  testTraceId,
} from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AmqplibInstrumentation } from '../instrumentation';
import { amqplibCopies } from '../test-support/amqplib-copies';
import { HOSTILE_HEADERS, nextTurn, producerHeaders } from '../test-support/fixtures';
import { type Api, SimulatedChannel } from '../test-support/simulated-broker';
import type { AmqpMessage } from '../types';
import { PACKAGE_NAME } from '../version';
import { type ConsumeBatchOptions, consumeBatch } from './consume-batch';

const tracing = installTestTracing();
const instrumentation = new AmqplibInstrumentation();
const copies = amqplibCopies(instrumentation);

/** Lets the microtask-answered RPCs and promise chains of consumeBatch run. */
async function drain(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
}

const batchSpans = () =>
  tracing
    .spans()
    .filter(
      (span) =>
        span.name === 'process orders' &&
        span.kind === SpanKind.CONSUMER &&
        !span.parentSpanContext,
    );

for (const copy of copies) {
  for (const api of ['promise', 'callback'] as Api[]) {
    describe(`consumeBatch with ${copy.label}, ${api} API`, () => {
      beforeEach(() => {
        tracing.reset();
        instrumentation.setConfig({});
      });

      async function start(
        options: ConsumeBatchOptions<AmqpMessage> = {},
        handler: (messages: AmqpMessage[]) => unknown = () => {},
      ) {
        const sim = new SimulatedChannel(copy, api);
        const batches: Array<{ tags: number[]; activeSpanId: string | undefined }> = [];
        const consumer = await consumeBatch(sim.batchChannel, 'orders', options, (messages) => {
          batches.push({
            tags: messages.map((m) => m.fields.deliveryTag),
            activeSpanId: trace.getActiveSpan()?.spanContext().spanId,
          });
          return handler(messages);
        });
        const acks = () => sim.sent(copy.defs.BasicAck).map((f) => [f.deliveryTag, f.multiple]);
        const nacks = () =>
          sim.sent(copy.defs.BasicNack).map((f) => [f.deliveryTag, f.multiple, f.requeue]);
        return { sim, consumer, batches, acks, nacks };
      }

      it('sets the prefetch to maxMessages, per consumer, before consuming', async () => {
        const { sim } = await start({ maxMessages: 25 });
        assert.deepEqual(
          sim.sent(copy.defs.BasicQos).map((f) => [f.prefetchCount, f.global]),
          [[25, false]],
        );
        assert.equal(sim.sent(copy.defs.BasicConsume)[0]?.noAck, false);
        const other = await start({ maxMessages: 25, prefetch: false });
        assert.equal(other.sim.sent(copy.defs.BasicQos).length, 0);
      });

      it('hands over a full batch at once, runs it in ONE span, and acks it with one multiple ack', async () => {
        const { sim, batches, acks } = await start({ maxMessages: 3, maxWaitMs: 60_000 });
        for (const tag of [1, 2, 3]) sim.deliver(tag, 'orders', { headers: producerHeaders(tag) });
        await drain();
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1, 2, 3]],
        );
        assert.deepEqual(acks(), [[3, true]]);
        const [span] = batchSpans();
        assert.ok(span);
        assert.equal(
          tracing.spans().length,
          1,
          'no per-delivery spans for consumeBatch deliveries',
        );
        assert.equal(batches[0]?.activeSpanId, span.spanContext().spanId);
        assert.equal(span.parentSpanContext, undefined);
        assert.deepEqual(
          { ...span.attributes },
          {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.name': 'orders',
            'network.peer.address': '10.1.2.3',
            'network.peer.port': 5672,
            'messaging.batch.message_count': 3,
            'fanin.batch.context_count': 3,
            'fanin.links.kept': 3,
            'fanin.links.spilled': 0,
            'fanin.links.dropped': 0,
            'fanin.links.spill_spans': 0,
            'fanin.messages.without_context': 0,
            'fanin.messages.invalid_context': 0,
            'fanin.messages.unsampled_context': 0,
            'fanin.messages.redelivered': 0,
            'fanin.settlement': 'ack',
            'fanin.settlement.multiple': true,
          },
        );
        assert.deepEqual(
          span.links.map((link) => [contextKey(link.context), link.attributes]),
          [1, 2, 3].map((n) => [
            contextKey({ traceId: testTraceId(n), spanId: testSpanId(n) }),
            {
              'messaging.message.id': `message-${n}`,
              'messaging.rabbitmq.message.delivery_tag': n,
              'fanin.link.message_count': 1,
            },
          ]),
        );
      });

      it('hands over a partial batch maxWaitMs after its first message', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout'] });
        const { sim, batches, acks } = await start({ maxMessages: 10, maxWaitMs: 1000 });
        sim.deliver(1, 'orders');
        t.mock.timers.tick(700);
        sim.deliver(2, 'orders');
        t.mock.timers.tick(299);
        await drain();
        assert.equal(batches.length, 0);
        t.mock.timers.tick(1);
        await drain();
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1, 2]],
        );
        assert.deepEqual(acks(), [[2, true]]);
      });

      it('handles batches one after another, in delivery order', async () => {
        const releases: Array<() => void> = [];
        const { sim, batches, acks } = await start(
          { maxMessages: 2 },
          () => new Promise<void>((resolve) => releases.push(resolve)),
        );
        for (const tag of [1, 2, 3, 4]) sim.deliver(tag, 'orders');
        await drain();
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1, 2]],
        );
        releases[0]?.();
        await drain();
        assert.deepEqual(
          batches.map((b) => b.tags),
          [
            [1, 2],
            [3, 4],
          ],
        );
        assert.deepEqual(acks(), [[2, true]]);
        releases[1]?.();
        await drain();
        assert.deepEqual(acks(), [
          [2, true],
          [4, true],
        ]);
      });

      it('nacks a failed batch with one multiple nack, requeued, and the span says ERROR', async () => {
        const failure = new Error('database down');
        const errors: Array<[unknown, number]> = [];
        const { sim, nacks, acks } = await start(
          { maxMessages: 2, onError: (error, messages) => errors.push([error, messages.length]) },
          async () => {
            throw failure;
          },
        );
        sim.deliver(1, 'orders');
        sim.deliver(2, 'orders');
        await drain();
        assert.deepEqual(nacks(), [[2, true, true]]);
        assert.deepEqual(acks(), []);
        assert.deepEqual(errors, [[failure, 2]]);
        const [span] = batchSpans();
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(span?.status.message, 'database down');
        assert.equal(span?.events[0]?.name, 'exception');
        assert.equal(span?.attributes['fanin.settlement'], 'nack');
        assert.equal(span?.attributes['fanin.settlement.requeue'], true);
      });

      it('takes the requeue policy from an option or a function, and survives a synchronous throw', async () => {
        const { sim, nacks } = await start(
          {
            maxMessages: 1,
            requeue: (_error, messages) => !messages.some((m) => m.fields.redelivered),
          },
          () => {
            throw new Error('sync failure');
          },
        );
        sim.deliver(1, 'orders');
        await drain();
        sim.deliver(2, 'orders', { redelivered: true });
        await drain();
        assert.deepEqual(nacks(), [
          [1, true, true],
          [2, true, false],
        ]);
        const never = await start({ maxMessages: 1, requeue: false }, () => Promise.reject('no'));
        never.sim.deliver(1, 'orders');
        await drain();
        assert.deepEqual(never.nacks(), [[1, true, false]]);
      });

      it('marks redelivered messages on their links and counts them', async () => {
        const { sim } = await start({ maxMessages: 3 });
        sim.deliver(1, 'orders', { headers: producerHeaders(1), redelivered: true });
        sim.deliver(2, 'orders', { headers: producerHeaders(2) });
        sim.deliver(3, 'orders', { headers: producerHeaders(3), redelivered: true });
        await drain();
        const [span] = batchSpans();
        assert.equal(span?.attributes['fanin.messages.redelivered'], 2);
        assert.deepEqual(
          span?.links.map((link) => link.attributes?.['fanin.message.redelivered']),
          [true, undefined, true],
        );
      });

      it('on cancel, stops consuming and handles and acks the messages in hand first', async () => {
        const { sim, consumer, batches, acks } = await start({
          maxMessages: 10,
          maxWaitMs: 60_000,
        });
        sim.deliver(1, 'orders');
        sim.deliver(2, 'orders');
        await consumer.cancel();
        assert.deepEqual(
          sim.sent(copy.defs.BasicCancel).map((f) => f.consumerTag),
          [consumer.consumerTag],
        );
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1, 2]],
        );
        assert.deepEqual(acks(), [[2, true]]);
        await consumer.stopped;
        await consumer.cancel();
        assert.equal(sim.sent(copy.defs.BasicCancel).length, 1);
      });

      it('when the broker cancels the consumer, handles the messages in hand and stops', async () => {
        const { sim, consumer, batches } = await start({ maxMessages: 10, maxWaitMs: 60_000 });
        sim.deliver(1, 'orders');
        sim.channel.emit('cancel', { consumerTag: consumer.consumerTag });
        await consumer.stopped;
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1]],
        );
      });

      it('when the channel closes, acks nothing more and drops what the broker will redeliver', async () => {
        let release: () => void = () => {};
        const { sim, consumer, batches, acks, nacks } = await start(
          { maxMessages: 2 },
          () =>
            new Promise<void>((resolve) => {
              release = resolve;
            }),
        );
        for (const tag of [1, 2, 3]) sim.deliver(tag, 'orders');
        await drain();
        await sim.close();
        release();
        await consumer.stopped;
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1, 2]],
          'message 3 is not handled',
        );
        assert.deepEqual(acks(), []);
        assert.deepEqual(nacks(), []);
        const [span] = batchSpans();
        assert.equal(span?.attributes['fanin.settlement'], 'channel_closed');
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
      });

      it('when the channel is closing under a batch, handles no further batch', async () => {
        const releases: Array<() => void> = [];
        const { sim, consumer, batches, acks } = await start(
          { maxMessages: 2 },
          () => new Promise<void>((resolve) => releases.push(resolve)),
        );
        for (const tag of [1, 2, 3, 4]) sim.deliver(tag, 'orders');
        await drain();
        // The application closes the channel; the broker has not confirmed yet.
        sim.channel.closeBecause('Goodbye', 200, () => {});
        releases[0]?.();
        await consumer.stopped;
        assert.deepEqual(
          batches.map((b) => b.tags),
          [[1, 2]],
        );
        assert.deepEqual(acks(), []);
        const [span] = batchSpans();
        assert.equal(span?.attributes['fanin.settlement'], 'channel_closed');
        assert.equal(span?.events[0]?.name, 'exception', 'the refused ack is recorded');
      });

      it('never acks a delivery another consumer of the channel got: then it acks one by one', async () => {
        const { sim, consumer, acks } = await start({ maxMessages: 3 });
        const otherTag = await sim.consume('audit', (message) => {
          if (message) sim.channel.ack(message);
        });
        sim.deliver(1, 'orders', { consumerTag: consumer.consumerTag });
        sim.deliver(2, 'audit', { consumerTag: otherTag });
        sim.deliver(3, 'orders', { consumerTag: consumer.consumerTag });
        sim.deliver(4, 'orders', { consumerTag: consumer.consumerTag });
        await drain();
        sim.deliver(5, 'orders', { consumerTag: consumer.consumerTag });
        sim.deliver(6, 'orders', { consumerTag: consumer.consumerTag });
        sim.deliver(7, 'orders', { consumerTag: consumer.consumerTag });
        await drain();
        assert.deepEqual(acks(), [
          [2, false],
          [1, false],
          [3, false],
          [4, false],
          [5, false],
          [6, false],
          [7, false],
        ]);
      });

      it('keeps every producer reachable past the link cap of the registered instrumentation', async () => {
        instrumentation.setConfig({ maxLinksPerSpan: 4 });
        const { sim } = await start({ maxMessages: 10 });
        for (let tag = 1; tag <= 10; tag++)
          sim.deliver(tag, 'orders', { headers: producerHeaders(tag) });
        await drain();
        const [span] = batchSpans();
        assert.ok(span);
        assert.equal(span.links.length, 4);
        assert.equal(span.attributes['fanin.links.spill_spans'], 2);
        assert.deepEqual(
          reachableLinks(span, tracing.spans()),
          Array.from({ length: 10 }, (_, i) =>
            contextKey({ traceId: testTraceId(i + 1), spanId: testSpanId(i + 1) }),
          ),
        );
      });

      it('adds a child span per message with perMessageSpans', async () => {
        instrumentation.setConfig({ perMessageSpans: true });
        const { sim } = await start({ maxMessages: 2 });
        sim.deliver(1, 'orders', { headers: producerHeaders(1) });
        sim.deliver(2, 'orders');
        await drain();
        const [span] = batchSpans();
        assert.ok(span);
        const children = childrenOf(span, tracing.spans());
        assert.deepEqual(
          children.map((child) => [
            child.attributes['messaging.rabbitmq.message.delivery_tag'],
            child.links.length,
          ]),
          [
            [1, 1],
            [2, 0],
          ],
        );
      });

      it('handles batches with hostile header tables, counting messages without a context', async () => {
        const { sim, batches } = await start({ maxMessages: HOSTILE_HEADERS.length });
        for (const [index, headers] of HOSTILE_HEADERS.entries()) {
          sim.deliver(index + 1, 'orders', { headers });
        }
        await drain();
        assert.equal(batches[0]?.tags.length, HOSTILE_HEADERS.length);
        const [span] = batchSpans();
        assert.equal(span?.links.length, 0);
        assert.equal(
          Number(span?.attributes['fanin.messages.without_context']) +
            Number(span?.attributes['fanin.messages.invalid_context']),
          HOSTILE_HEADERS.length,
        );
        assert.equal(span?.status.code, SpanStatusCode.UNSET);
      });

      it('calls the batch hook; one that throws changes nothing', async () => {
        instrumentation.setConfig({
          batchHook: (span, { queue, messages }) => {
            span.setAttribute('app.batch', `${queue}:${messages.length}`);
            throw new Error('hook bug');
          },
        });
        const { sim, acks } = await start({ maxMessages: 1 });
        sim.deliver(1, 'orders');
        await drain();
        assert.equal(batchSpans()[0]?.attributes['app.batch'], 'orders:1');
        assert.deepEqual(acks(), [[1, true]]);
      });

      it('works without the instrumentation: it batches, and records through the global tracer', async () => {
        instrumentation.disable();
        try {
          const { sim, acks } = await start({ maxMessages: 2 });
          sim.deliver(1, 'orders', { headers: producerHeaders(1) });
          sim.deliver(2, 'orders');
          await drain();
          assert.deepEqual(acks(), [[2, true]]);
          const [span] = batchSpans();
          assert.equal(span?.instrumentationScope.name, PACKAGE_NAME);
          assert.equal(span?.links.length, 1);
        } finally {
          instrumentation.enable();
        }
      });

      it('refuses options it cannot honour', async () => {
        const sim = new SimulatedChannel(copy, api);
        const bad: Array<ConsumeBatchOptions<AmqpMessage>> = [
          { maxMessages: 0 },
          { maxMessages: 1.5 },
          { maxWaitMs: -1 },
          { maxWaitMs: Number.NaN },
          { maxMessages: 70_000 },
          { prefetch: -1 },
          { consumeOptions: { noAck: true } as never },
        ];
        for (const options of bad) {
          await assert.rejects(consumeBatch(sim.batchChannel, 'orders', options, () => {}));
        }
        assert.equal(sim.connection.sent.length, 0);
      });
    });
  }
}

describe('consumeBatch against the channel failing to consume', () => {
  it('rejects, and leaves no listener behind', async () => {
    const copy = copies[0];
    assert.ok(copy);
    const sim = new SimulatedChannel(copy, 'promise');
    await sim.close();
    const listeners = sim.channel.listenerCount('close');
    await assert.rejects(consumeBatch(sim.batchChannel, 'orders', { prefetch: false }, () => {}));
    assert.equal(sim.channel.listenerCount('close'), listeners);
    await nextTurn();
  });
});
