import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ConsumeMessage } from 'amqplib';
import { floorAmqpBatch } from './floor-amqp-batch';

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);

const producer = (n: number) =>
  `00-${n.toString(16).padStart(32, 'a')}-${n.toString(16).padStart(16, 'b')}-01`;
const delivery = (tag: number, traceparent: unknown): ConsumeMessage =>
  ({
    content: Buffer.from('v'),
    fields: { deliveryTag: tag },
    properties: { headers: traceparent === undefined ? {} : { traceparent } },
  }) as never;

describe('floorAmqpBatch', () => {
  it('runs a batch in one CONSUMER span linked once per producer, with the first delivery tag', async () => {
    exporter.reset();
    let active: string | undefined;
    await floorAmqpBatch('orders', async () => {
      active = trace.getSpan(context.active())?.spanContext().spanId;
    })([
      delivery(1, producer(1)),
      delivery(2, producer(2)),
      delivery(3, producer(1)),
      delivery(4, 'garbage'),
      delivery(5, undefined),
    ]);
    const [span, ...others] = exporter.getFinishedSpans();
    assert.equal(others.length, 0);
    assert.equal(span?.name, 'process orders');
    assert.equal(span?.kind, SpanKind.CONSUMER);
    assert.equal(active, span?.spanContext().spanId);
    assert.deepEqual(
      span?.links.map((link) => [link.context.spanId, link.attributes]),
      [
        ['bbbbbbbbbbbbbbb1', { 'messaging.rabbitmq.message.delivery_tag': 1 }],
        ['bbbbbbbbbbbbbbb2', { 'messaging.rabbitmq.message.delivery_tag': 2 }],
      ],
    );
  });

  it('ends the span and rethrows when the handler rejects', async () => {
    exporter.reset();
    const failure = new Error('handler failed');
    const wrapped = floorAmqpBatch('orders', async () => {
      throw failure;
    });
    await assert.rejects(wrapped([delivery(1, producer(1))]), failure);
    assert.equal(exporter.getFinishedSpans().length, 1);
  });
});
