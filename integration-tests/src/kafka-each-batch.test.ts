import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextKey, reachableLinks } from '@fanin/test-utils';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Kafka, type Message } from 'kafkajs';
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
import { kafkaInstrumentation, tracing } from './tracing';

const TRACES = 50;
const MESSAGES_PER_TRACE = 20;
const TOTAL = TRACES * MESSAGES_PER_TRACE;
const PARTITIONS = 4;

interface Invocation {
  activeSpanId: string | undefined;
  partition: number;
  messages: ConsumedMessage[];
}

describe('kafkajs eachBatch against a real broker', () => {
  const kafka = createKafka();
  const topic = uniqueName('fanin-each-batch');
  const tracer = trace.getTracer('integration-producer');
  const sentProducerKeys = new Set<string>();
  const invocations: Invocation[] = [];
  let spans: ReadableSpan[] = [];

  before(async () => {
    assert.equal(kafkaInstrumentation.isEnabled(), true);
    assert.ok(isWrapped(Kafka.prototype.consumer), 'kafkajs was patched when it was loaded');
    await createTopic(kafka, topic, PARTITIONS);
    const producer = await connectedProducer(kafka);
    // 50 upstream requests, each its own trace. Even ones send their 20
    // messages in one call (a create span per message), odd ones one by one.
    for (let t = 0; t < TRACES; t++) {
      await tracer.startActiveSpan(`request ${t}`, async (request) => {
        const messages: Message[] = Array.from({ length: MESSAGES_PER_TRACE }, (_, m) => ({
          key: `customer-${(t * MESSAGES_PER_TRACE + m) % 7}`,
          value: `trace-${t}-message-${m}`,
        }));
        if (t % 2 === 0) await producer.send({ topic, messages });
        else
          await Promise.all(
            messages.map((message) => producer.send({ topic, messages: [message] })),
          );
        for (const message of messages) {
          const key = producerKeyOf(String(message.headers?.traceparent));
          assert.ok(key, 'the producer injected a traceparent');
          sentProducerKeys.add(key);
        }
        request.end();
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('fanin-each-batch-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = 0;
    await consumer.run({
      eachBatch: async ({ batch }) => {
        invocations.push({
          activeSpanId: trace.getSpan(context.active())?.spanContext().spanId,
          partition: batch.partition,
          messages: batch.messages.map((message) => consumedMessage(batch.partition, message)),
        });
        received += batch.messages.length;
      },
    });
    await waitFor(() => received >= TOTAL, `${TOTAL} messages`);
    await consumer.disconnect();
    spans = tracing.spans();
  });

  after(() => tracing.reset());

  const batchSpans = () =>
    spans.filter((span) => span.name === `process ${topic}` && span.kind === SpanKind.CONSUMER);

  it('sent 1,000 messages from 50 traces, each with its own producer span', () => {
    assert.equal(sentProducerKeys.size, TOTAL);
    const producerSpans = spans.filter((span) => span.kind === SpanKind.PRODUCER);
    const traces = new Set(producerSpans.map((span) => span.spanContext().traceId));
    assert.equal(traces.size, TRACES);
    const producerKeys = new Set(producerSpans.map((span) => contextKey(span.spanContext())));
    for (const key of sentProducerKeys)
      assert.ok(producerKeys.has(key), `producer span ${key} exported`);
  });

  it('records exactly one process span per eachBatch invocation, which the handler ran in', () => {
    const batches = batchSpans();
    assert.equal(batches.length, invocations.length);
    assert.deepEqual(
      new Set(batches.map((span) => span.spanContext().spanId)),
      new Set(invocations.map((invocation) => invocation.activeSpanId)),
    );
    for (const span of batches) {
      assert.equal(span.parentSpanContext, undefined, 'a batch starts its own trace');
      assert.equal(span.attributes['messaging.system'], 'kafka');
      assert.equal(span.attributes['messaging.operation.type'], 'process');
      assert.equal(span.attributes['messaging.destination.name'], topic);
    }
  });

  it('counts every message once across batches', () => {
    const fromHandler = invocations.reduce(
      (sum, invocation) => sum + invocation.messages.length,
      0,
    );
    const fromSpans = batchSpans().reduce(
      (sum, span) => sum + Number(span.attributes['messaging.batch.message_count']),
      0,
    );
    assert.equal(fromHandler, TOTAL);
    assert.equal(fromSpans, TOTAL);
  });

  it('reaches every producer span exactly once, never more than 128 links a span', () => {
    const reached = batchSpans().flatMap((span) => reachableLinks(span, spans));
    assert.equal(reached.length, TOTAL);
    assert.deepEqual(new Set(reached), sentProducerKeys);
    for (const span of spans)
      assert.ok(span.links.length <= 128, `${span.name} has ${span.links.length} links`);
  });

  it("puts each message's offset and partition on the link to its producer", () => {
    const batches = new Map(batchSpans().map((span) => [span.spanContext().spanId, span]));
    for (const invocation of invocations) {
      const span = batches.get(invocation.activeSpanId ?? '');
      assert.ok(span);
      assert.equal(
        span.attributes['messaging.destination.partition.id'],
        String(invocation.partition),
      );
      const spill = spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);
      const links = new Map(
        [span, ...spill].flatMap((s) => s.links).map((link) => [contextKey(link.context), link]),
      );
      for (const message of invocation.messages) {
        const link = links.get(producerKeyOf(message.traceparent) ?? '');
        assert.ok(link, `offset ${message.offset} is linked`);
        assert.equal(link.attributes?.['messaging.kafka.offset'], Number(message.offset));
        assert.equal(
          link.attributes?.['messaging.destination.partition.id'],
          String(message.partition),
        );
      }
    }
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
          name: largest.name,
          kind: SpanKind[largest.kind],
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
