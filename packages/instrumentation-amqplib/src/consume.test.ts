import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { contextKey, installTestTracing, testSpanId, testTraceId } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AmqplibInstrumentation } from './instrumentation';
import { amqplibCopies } from './test-support/amqplib-copies';
import { HOSTILE_HEADERS, nextTurn, producerHeaders } from './test-support/fixtures';
import { type Api, SimulatedChannel } from './test-support/simulated-broker';
import type { AmqpMessage, ConsumeEndHookInfo } from './types';

const tracing = installTestTracing();
const instrumentation = new AmqplibInstrumentation();
const copies = amqplibCopies(instrumentation);

const processSpans = () =>
  tracing
    .spans()
    .filter((span) => span.name === 'process orders' && span.kind === SpanKind.CONSUMER);

/** A channel consuming `orders`, keeping what its callback received. */
async function consuming(
  copy: (typeof copies)[number],
  api: Api,
  options: Record<string, unknown> = {},
  onMessage: (message: AmqpMessage | null) => unknown = () => {},
) {
  const sim = new SimulatedChannel(copy, api);
  const received: Array<{ message: AmqpMessage | null; activeSpanId: string | undefined }> = [];
  await sim.consume(
    'orders',
    (message) => {
      received.push({ message, activeSpanId: trace.getActiveSpan()?.spanContext().spanId });
      return onMessage(message);
    },
    options,
  );
  return { sim, received };
}

for (const copy of copies) {
  for (const api of ['promise', 'callback'] as Api[]) {
    describe(`consume with ${copy.label}, ${api} API`, () => {
      beforeEach(() => {
        tracing.reset();
        instrumentation.setConfig({});
      });

      it('processes a delivery in a span parented on and linked to its producer, ended at ack', async () => {
        const { sim, received } = await consuming(copy, api);
        const message = sim.deliver(1, 'orders', { headers: producerHeaders(3) });
        assert.equal(received[0]?.message, message, 'the callback gets the message untouched');
        assert.equal(tracing.spans().length, 0, 'the span waits for the ack');
        sim.channel.ack(message);
        const [span] = processSpans();
        assert.ok(span);
        assert.equal(received[0]?.activeSpanId, span.spanContext().spanId);
        assert.equal(span.spanContext().traceId, testTraceId(3));
        assert.equal(span.parentSpanContext?.spanId, testSpanId(3));
        assert.equal(span.links[0]?.context.spanId, testSpanId(3));
        assert.deepEqual(
          { ...span.attributes },
          {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.name': 'orders',
            'messaging.rabbitmq.destination.routing_key': 'orders',
            'messaging.rabbitmq.message.delivery_tag': 1,
            'messaging.message.id': 'message-1',
            'messaging.message.body.size': 'body-1'.length,
            'network.peer.address': '10.1.2.3',
            'network.peer.port': 5672,
            'fanin.settlement': 'ack',
          },
        );
        assert.equal(span.status.code, SpanStatusCode.UNSET);
        assert.equal(sim.sent(copy.defs.BasicAck).length, 1, 'the ack itself went out');
      });

      it('starts a new trace that links the producer with link-only', async () => {
        instrumentation.setConfig({ messageContext: 'link-only' });
        const { sim } = await consuming(copy, api);
        trace.getTracer('test').startActiveSpan('ambient', (ambient) => {
          sim.channel.ack(sim.deliver(1, 'orders', { headers: producerHeaders(3) }));
          ambient.end();
        });
        const [span] = processSpans();
        assert.equal(span?.parentSpanContext, undefined);
        assert.notEqual(span?.spanContext().traceId, testTraceId(3));
        assert.equal(span?.links[0]?.context.spanId, testSpanId(3));
      });

      it('says on the span that a delivery was nacked or rejected, and whether it is requeued', async () => {
        const { sim } = await consuming(copy, api);
        sim.channel.nack(sim.deliver(1, 'orders'));
        sim.channel.nack(sim.deliver(2, 'orders'), false, false);
        sim.channel.reject(sim.deliver(3, 'orders'));
        sim.channel.reject(sim.deliver(4, 'orders'), false);
        assert.deepEqual(
          processSpans().map((span) => [
            span.attributes['fanin.settlement'],
            span.attributes['fanin.settlement.requeue'],
            span.attributes['error.type'],
            span.status.code,
          ]),
          [
            ['nack', true, 'nack', SpanStatusCode.ERROR],
            ['nack', false, 'nack', SpanStatusCode.ERROR],
            ['reject', true, 'reject', SpanStatusCode.ERROR],
            ['reject', false, 'reject', SpanStatusCode.ERROR],
          ],
        );
      });

      it('ends every span an ack(msg, true) covers, and only those, with one settle span linked to their producers', async () => {
        const { sim } = await consuming(copy, api);
        const messages = [1, 2, 3, 4].map((tag) =>
          sim.deliver(tag, 'orders', { headers: producerHeaders(tag) }),
        );
        sim.channel.ack(messages[2], true);
        const ended = processSpans();
        assert.deepEqual(
          ended.map((span) => span.attributes['messaging.rabbitmq.message.delivery_tag']),
          [1, 2, 3],
        );
        for (const span of ended) assert.equal(span.attributes['fanin.settlement.multiple'], true);
        const settle = tracing.spans().find((span) => span.name === 'ack orders');
        assert.ok(settle, 'a settle span');
        assert.equal(settle.kind, SpanKind.CLIENT);
        assert.equal(settle.attributes['messaging.operation.type'], 'settle');
        assert.equal(settle.attributes['messaging.operation.name'], 'ack');
        assert.equal(settle.attributes['messaging.batch.message_count'], 3);
        assert.deepEqual(
          settle.links.map((link) => [
            contextKey(link.context),
            link.attributes?.['messaging.rabbitmq.message.delivery_tag'],
            link.attributes?.['messaging.message.id'],
          ]),
          [1, 2, 3].map((n) => [
            contextKey({ traceId: testTraceId(n), spanId: testSpanId(n) }),
            n,
            `message-${n}`,
          ]),
        );
        sim.channel.ack(messages[3]);
        assert.equal(processSpans().length, 4);
        assert.equal(tracing.spans().filter((span) => span.name === 'ack orders').length, 1);
      });

      it('ends all spans on ackAll and nackAll, with a settle span each', async () => {
        const { sim } = await consuming(copy, api);
        for (const tag of [1, 2]) sim.deliver(tag, 'orders', { headers: producerHeaders(tag) });
        sim.channel.ackAll();
        for (const tag of [3, 4, 5]) sim.deliver(tag, 'orders', { headers: producerHeaders(tag) });
        sim.channel.nackAll(false);
        assert.deepEqual(
          processSpans().map((span) => span.attributes['fanin.settlement']),
          ['ack', 'ack', 'nack', 'nack', 'nack'],
        );
        const settles = tracing.spans().filter((span) => span.kind === SpanKind.CLIENT);
        assert.deepEqual(
          settles.map((span) => [span.name, span.links.length, span.status.code]),
          [
            ['ack orders', 2, SpanStatusCode.UNSET],
            ['nack orders', 3, SpanStatusCode.ERROR],
          ],
        );
        assert.equal(settles[1]?.attributes['fanin.settlement.requeue'], false);
      });

      it('records no settle span when batchSettlementSpans is off, or a multiple ack covers one delivery', async () => {
        const { sim } = await consuming(copy, api);
        sim.channel.ack(sim.deliver(1, 'orders'), true);
        instrumentation.setConfig({ batchSettlementSpans: false });
        sim.deliver(2, 'orders');
        sim.channel.ack(sim.deliver(3, 'orders'), true);
        assert.equal(processSpans().length, 3);
        assert.equal(tracing.spans().filter((span) => span.kind === SpanKind.CLIENT).length, 0);
      });

      it('ends the spans of unsettled deliveries when the application closes the channel', async () => {
        const { sim } = await consuming(copy, api);
        sim.channel.ack(sim.deliver(1, 'orders'));
        sim.deliver(2, 'orders');
        sim.deliver(3, 'orders');
        await sim.close();
        assert.deepEqual(
          processSpans().map((span) => [span.attributes['fanin.settlement'], span.status.code]),
          [
            ['ack', SpanStatusCode.UNSET],
            ['channel_closed', SpanStatusCode.ERROR],
            ['channel_closed', SpanStatusCode.ERROR],
          ],
        );
      });

      it('ends them with the channel error when the broker closes the channel', async () => {
        const { sim } = await consuming(copy, api);
        sim.deliver(1, 'orders');
        sim.closeByBroker('PRECONDITION_FAILED - unknown delivery tag 9');
        const [span] = processSpans();
        assert.equal(span?.attributes['fanin.settlement'], 'channel_error');
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.match(String(span?.status.message), /PRECONDITION_FAILED/);
        assert.equal(span?.events[0]?.name, 'exception');
        assert.equal(sim.errors.length, 1, 'the application still gets the error event');
      });

      it('ends the spans after consumeTimeoutMs without a settlement, with an unref timer', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
        instrumentation.setConfig({ consumeTimeoutMs: 1000 });
        const { sim } = await consuming(copy, api);
        sim.deliver(1, 'orders');
        t.mock.timers.tick(400);
        sim.deliver(2, 'orders');
        t.mock.timers.tick(599);
        assert.equal(processSpans().length, 0);
        t.mock.timers.tick(1);
        assert.deepEqual(
          processSpans().map((span) => span.attributes['messaging.rabbitmq.message.delivery_tag']),
          [1],
        );
        t.mock.timers.tick(400);
        assert.equal(processSpans().length, 2);
        assert.equal(processSpans()[1]?.attributes['fanin.settlement'], 'timeout');
        assert.equal(processSpans()[1]?.status.code, SpanStatusCode.UNSET);
        sim.channel.ack({ fields: { deliveryTag: 2 } });
        assert.equal(processSpans().length, 2, 'a late ack changes nothing');
      });

      it('never times out with consumeTimeoutMs 0', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
        instrumentation.setConfig({ consumeTimeoutMs: 0 });
        const { sim } = await consuming(copy, api);
        const message = sim.deliver(1, 'orders');
        t.mock.timers.tick(10 * 24 * 3600 * 1000);
        assert.equal(processSpans().length, 0);
        sim.channel.ack(message);
        assert.equal(processSpans().length, 1);
      });

      it('with noAck, ends the span when the callback settles, async or not', async () => {
        let release: () => void = () => {};
        const { sim } = await consuming(copy, api, { noAck: true }, (message) =>
          message?.fields.deliveryTag === 2
            ? new Promise<void>((resolve) => {
                release = resolve;
              })
            : undefined,
        );
        sim.deliver(1, 'orders');
        assert.equal(processSpans().length, 1);
        sim.deliver(2, 'orders');
        await nextTurn();
        assert.equal(processSpans().length, 1);
        release();
        await nextTurn();
        assert.deepEqual(
          processSpans().map((span) => span.attributes['fanin.settlement']),
          ['auto_ack', 'auto_ack'],
        );
      });

      it('records a callback that throws, and hands amqplib the same error', async () => {
        const failure = new TypeError('handler bug');
        const { sim } = await consuming(copy, api, {}, () => {
          throw failure;
        });
        // amqplib answers a throwing consumer by closing the channel.
        let thrown: unknown;
        try {
          sim.channel.handleDelivery({
            fields: { deliveryTag: 1, consumerTag: Array.from(sim.channel.consumers.keys())[0] },
            properties: { headers: producerHeaders(1) },
            content: Buffer.from('x'),
          });
        } catch (error) {
          thrown = error;
        }
        assert.equal(thrown, failure);
        await sim.close();
        const [span] = processSpans();
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(span?.events.filter((event) => event.name === 'exception').length, 1);
        assert.equal(span?.attributes['fanin.settlement'], 'channel_closed');
      });

      it('processes deliveries with hostile header tables, without links and without throwing', async () => {
        const { sim, received } = await consuming(copy, api);
        for (const [index, headers] of HOSTILE_HEADERS.entries()) {
          sim.channel.ack(
            sim.deliver(index + 1, 'orders', { headers, messageId: { not: 'text' } }),
          );
        }
        assert.equal(received.length, HOSTILE_HEADERS.length);
        const spans = processSpans();
        assert.equal(spans.length, HOSTILE_HEADERS.length);
        for (const span of spans) {
          assert.equal(span.links.length, 0);
          assert.equal(span.parentSpanContext, undefined);
          assert.equal(span.status.code, SpanStatusCode.UNSET);
          assert.equal(span.attributes['messaging.message.id'], undefined);
        }
        assert.equal(
          ({} as Record<string, unknown>).traceparent,
          undefined,
          'no prototype pollution',
        );
      });

      it('passes the consumer-cancelled null through, and lets a wrong or repeated ack through', async () => {
        const { sim, received } = await consuming(copy, api);
        sim.channel.emit('cancel', { consumerTag: Array.from(sim.channel.consumers.keys())[0] });
        assert.equal(received[0]?.message, null);
        const { sim: other } = await consuming(copy, api);
        const message = other.deliver(1, 'orders');
        other.channel.ack(message);
        other.channel.ack(message);
        other.channel.ack({ fields: { deliveryTag: 77 } }, true);
        assert.equal(processSpans().length, 1);
        assert.equal(other.sent(copy.defs.BasicAck).length, 3, 'amqplib sends what it is asked to');
      });

      it('calls the consume hooks, surviving ones that throw', async () => {
        const ends: ConsumeEndHookInfo[] = [];
        instrumentation.setConfig({
          consumeHook: (span, { queue }) => {
            span.setAttribute('app.queue', queue);
            throw new Error('hook bug');
          },
          consumeEndHook: (_span, info) => {
            ends.push(info);
            throw new Error('hook bug');
          },
        });
        const { sim } = await consuming(copy, api);
        sim.channel.reject(sim.deliver(1, 'orders'), false);
        assert.equal(processSpans()[0]?.attributes['app.queue'], 'orders');
        assert.deepEqual(
          ends.map(({ queue, settlement, requeue }) => ({ queue, settlement, requeue })),
          [{ queue: 'orders', settlement: 'reject', requeue: false }],
        );
      });
    });
  }
}

describe('disable() with deliveries waiting for their settlement', () => {
  afterEach(() => instrumentation.enable());

  it('ends their spans, so none is left open', async () => {
    tracing.reset();
    const copy = copies[0];
    assert.ok(copy);
    const { sim } = await consuming(copy, 'promise');
    sim.deliver(1, 'orders');
    instrumentation.disable();
    const [span] = processSpans();
    assert.equal(span?.attributes['fanin.settlement'], 'instrumentation_disabled');
    mock.reset();
  });
});
