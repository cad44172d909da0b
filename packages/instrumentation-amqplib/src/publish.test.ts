import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceparent } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AmqplibInstrumentation } from './instrumentation';
import { amqplibCopies } from './test-support/amqplib-copies';
import { type Api, SimulatedChannel } from './test-support/simulated-broker';
import type { AmqplibInstrumentationConfig } from './types';

const tracing = installTestTracing();
const instrumentation = new AmqplibInstrumentation();
const copies = amqplibCopies(instrumentation);

function traceparentOf(headers: Record<string, unknown> | undefined): string {
  return String(headers?.traceparent);
}

for (const copy of copies) {
  for (const api of ['promise', 'callback'] as Api[]) {
    describe(`publish with ${copy.label}, ${api} API`, () => {
      beforeEach(() => {
        tracing.reset();
        instrumentation.setConfig({});
      });

      const plain = () => new SimulatedChannel(copy, api);
      const confirming = () => new SimulatedChannel(copy, api, true);

      it('records one PRODUCER span per message and injects its context into a copy of the options', () => {
        const sim = plain();
        const options = { messageId: 'order-1', correlationId: 'conv-9', headers: { app: 'x' } };
        assert.equal(sim.channel.sendToQueue('orders', Buffer.from('hello'), options), true);
        const [span] = tracing.spans();
        assert.ok(span);
        assert.equal(tracing.spans().length, 1);
        assert.equal(span.name, 'publish orders');
        assert.equal(span.kind, SpanKind.PRODUCER);
        assert.deepEqual(
          { ...span.attributes },
          {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'send',
            'messaging.operation.name': 'publish',
            'messaging.destination.name': 'orders',
            'messaging.rabbitmq.destination.routing_key': 'orders',
            'messaging.message.id': 'order-1',
            'messaging.message.conversation_id': 'conv-9',
            'messaging.message.body.size': 5,
            'network.peer.address': '10.1.2.3',
            'network.peer.port': 5672,
          },
        );
        const [sent] = sim.connection.published;
        assert.equal(
          traceparentOf(sent?.properties.headers),
          `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
        );
        assert.equal(sent?.properties.headers?.app, 'x');
        assert.deepEqual(options, {
          messageId: 'order-1',
          correlationId: 'conv-9',
          headers: { app: 'x' },
        });
      });

      it('names the destination {exchange}:{routing key}, or whichever is set', () => {
        const sim = plain();
        sim.channel.publish('events', 'order.created', Buffer.from('a'));
        sim.channel.publish('fanout', '', Buffer.from('b'));
        sim.channel.publish('', '', Buffer.from('c'));
        assert.deepEqual(
          tracing.spans().map((span) => [span.name, span.attributes['messaging.destination.name']]),
          [
            ['publish events:order.created', 'events:order.created'],
            ['publish fanout', 'fanout'],
            ['publish amq.default', 'amq.default'],
          ],
        );
        assert.equal(
          tracing.spans()[1]?.attributes['messaging.rabbitmq.destination.routing_key'],
          undefined,
        );
      });

      it('is a child of the active span, and one shared options object gets a fresh context each time', () => {
        const sim = plain();
        const shared = { headers: {} };
        const tracer = trace.getTracer('test');
        tracer.startActiveSpan('request', (request) => {
          sim.channel.sendToQueue('orders', Buffer.from('a'), shared);
          sim.channel.sendToQueue('orders', Buffer.from('b'), shared);
          request.end();
        });
        const [first, second, request] = tracing.spans();
        assert.equal(first?.parentSpanContext?.spanId, request?.spanContext().spanId);
        assert.equal(second?.parentSpanContext?.spanId, request?.spanContext().spanId);
        const [a, b] = sim.connection.published.map((m) => traceparentOf(m.properties.headers));
        assert.notEqual(a, b);
        assert.deepEqual(shared, { headers: {} });
      });

      it('leaves a context the headers already carry, unless told to overwrite it', () => {
        const sim = plain();
        const carried = { headers: { traceparent: testTraceparent(7) } };
        sim.channel.sendToQueue('orders', Buffer.from('a'), carried);
        assert.equal(
          traceparentOf(sim.connection.published[0]?.properties.headers),
          testTraceparent(7),
        );
        instrumentation.setConfig({ overwriteExistingContext: true });
        sim.channel.sendToQueue('orders', Buffer.from('a'), carried);
        assert.notEqual(
          traceparentOf(sim.connection.published[1]?.properties.headers),
          testTraceparent(7),
        );
      });

      it('records a publish that throws as ERROR and re-throws the same error', async () => {
        const sim = plain();
        await sim.close();
        let thrown: unknown;
        try {
          sim.channel.sendToQueue('orders', Buffer.from('a'));
        } catch (error) {
          thrown = error;
        }
        assert.ok(thrown instanceof Error);
        assert.equal((thrown as Error).name, 'IllegalOperationError');
        const [span] = tracing.spans();
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(span?.events[0]?.name, 'exception');
      });

      it('on a confirm channel, ends each span at its confirm: one span per message', () => {
        const sim = confirming();
        const confirmed: unknown[] = [];
        sim.channel.publish('', 'orders', Buffer.from('a'), {}, (error: unknown) =>
          confirmed.push(error),
        );
        sim.channel.sendToQueue('orders', Buffer.from('b'));
        sim.channel.sendToQueue('orders', Buffer.from('c'), {}, (error: unknown) =>
          confirmed.push(error),
        );
        assert.equal(tracing.spans().length, 0, 'no span ends before the broker confirms');
        sim.confirm(1);
        assert.equal(tracing.spans().length, 1);
        assert.deepEqual(confirmed, [null]);
        sim.confirm(3, true);
        const spans = tracing.spans();
        assert.equal(spans.length, 3);
        assert.deepEqual(confirmed, [null, null]);
        for (const span of spans) assert.equal(span.status.code, SpanStatusCode.UNSET);
        assert.equal(sim.connection.published.length, 3);
      });

      it('on a confirm channel, says ERROR when the broker nacks or the channel closes first', async () => {
        const sim = confirming();
        const confirmed: unknown[] = [];
        sim.channel.sendToQueue('orders', Buffer.from('a'), {}, (error: unknown) =>
          confirmed.push(error),
        );
        sim.channel.sendToQueue('orders', Buffer.from('b'));
        sim.confirm(1, false, true);
        const [nacked] = tracing.spans();
        assert.equal(nacked?.status.code, SpanStatusCode.ERROR);
        assert.equal(nacked?.status.message, 'message nacked');
        assert.equal((confirmed[0] as Error).message, 'message nacked');
        await sim.close();
        const closed = tracing.spans()[1];
        assert.equal(closed?.status.code, SpanStatusCode.ERROR);
        assert.equal(closed?.status.message, 'channel closed');
      });

      it('calls the publish hook with the options as published, surviving one that throws', () => {
        const seen: string[] = [];
        const config: AmqplibInstrumentationConfig = {
          publishHook: (span, info) => {
            seen.push(`${info.exchange}/${info.routingKey}/${info.isConfirmChannel}`);
            span.setAttribute('app.traceparent', String(info.options?.headers?.traceparent));
            throw new Error('hook bug');
          },
        };
        instrumentation.setConfig(config);
        const sim = plain();
        sim.channel.publish('events', 'created', Buffer.from('a'));
        assert.deepEqual(seen, ['events/created/false']);
        const [span] = tracing.spans();
        assert.match(String(span?.attributes['app.traceparent']), /^00-/);
        assert.equal(sim.connection.published.length, 1);
      });

      it('emits old and new operation names with semconvStability dup', () => {
        instrumentation.setConfig({ semconvStability: 'dup' });
        plain().channel.sendToQueue('orders', Buffer.from('a'));
        const [span] = tracing.spans();
        assert.equal(span?.attributes['messaging.operation'], 'publish');
        assert.equal(span?.attributes['messaging.operation.type'], 'send');
      });

      it('publishes untraced while disabled', () => {
        const sim = plain();
        instrumentation.disable();
        try {
          sim.channel.sendToQueue('orders', Buffer.from('a'), { headers: {} });
        } finally {
          instrumentation.enable();
        }
        assert.equal(tracing.spans().length, 0);
        assert.deepEqual(sim.connection.published[0]?.properties.headers, {});
      });

      it('keeps the producer span id in the header it injected', () => {
        const sim = plain();
        trace.getTracer('test').startActiveSpan('outer', (outer) => {
          sim.channel.sendToQueue('orders', Buffer.from('a'));
          outer.end();
        });
        const publish = tracing.spans().find((span) => span.kind === SpanKind.PRODUCER);
        assert.ok(publish);
        assert.ok(
          traceparentOf(sim.connection.published[0]?.properties.headers).includes(
            publish.spanContext().spanId,
          ),
        );
        assert.notEqual(publish.spanContext().spanId, testSpanId(0));
      });
    });
  }
}
