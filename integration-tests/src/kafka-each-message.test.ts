import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  type ConsumedMessage,
  connectedProducer,
  consumedMessage,
  createKafka,
  createTopic,
  producerKeyOf,
  uniqueName,
  waitFor,
} from './kafka-fixture';
import { tracing } from './tracing';

const TOTAL = 40;

describe('kafkajs eachMessage against a real broker', () => {
  const kafka = createKafka();
  const topic = uniqueName('fanin-each-message');
  const tracer = trace.getTracer('integration-producer');
  const seen: Array<{ message: ConsumedMessage; activeSpanId: string | undefined }> = [];
  let spans: ReadableSpan[] = [];

  before(async () => {
    await createTopic(kafka, topic, 2);
    const producer = await connectedProducer(kafka);
    for (let t = 0; t < 5; t++) {
      await tracer.startActiveSpan(`request ${t}`, async (request) => {
        const messages = Array.from({ length: TOTAL / 5 }, (_, m) => ({ value: `t${t}-m${m}` }));
        await producer.send({ topic, messages: messages.slice(0, 4) });
        for (const message of messages.slice(4))
          await producer.send({ topic, messages: [message] });
        request.end();
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('fanin-each-message-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          message: consumedMessage(partition, message),
          activeSpanId: trace.getSpan(context.active())?.spanContext().spanId,
        });
      },
    });
    // A send kafkajs retried (e.g. after "not the leader" on a loaded broker) can
    // be written twice: count distinct messages.
    const distinct = () => new Set(seen.map(({ message }) => message.value)).size;
    await waitFor(() => distinct() >= TOTAL, `${TOTAL} messages`);
    await consumer.disconnect();
    spans = tracing.spans();
  });

  after(() => tracing.reset());

  it('processes each message in a span parented to and linked with its producer span', () => {
    assert.equal(new Set(seen.map(({ message }) => message.value)).size, TOTAL);
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    for (const { message, activeSpanId } of seen) {
      const span = byId.get(activeSpanId ?? '');
      assert.ok(span, `offset ${message.offset} ran in a span`);
      assert.equal(span.name, `process ${topic}`);
      assert.equal(span.kind, SpanKind.CONSUMER);
      const producerKey = producerKeyOf(message.traceparent);
      assert.ok(producerKey);
      const [traceId, spanId] = producerKey.split('/');
      assert.equal(span.spanContext().traceId, traceId);
      assert.equal(span.parentSpanContext?.spanId, spanId);
      assert.equal(span.links[0]?.context.spanId, spanId);
      assert.equal(span.attributes['messaging.kafka.offset'], Number(message.offset));
      const producerSpan = byId.get(spanId ?? '');
      assert.equal(producerSpan?.kind, SpanKind.PRODUCER);
    }
  });
});
