// Producers that write their trace context with capitalised header keys, as
// the OpenTelemetry Java agent does with b3multi (`X-B3-TraceId`), B3 single
// (`B3`) and Jaeger (`Uber-Trace-Id`), against the real brokers. The
// propagators ask for lower-case keys; fanin's getter matches them without
// regard to case, so every message must be linked to its producer.
//
// The messages go out through this process's kafkajs and amqplib, which fanin
// instruments: with the composite propagator in place when they are sent, a
// message that already carries a context keeps it (nothing is injected,
// which the test checks), so the consumer sees the headers exactly as written.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import { reachableLinks } from '@fanin/test-utils';
import { propagation, SpanKind, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { connect } from 'amqplib';
import type { Message } from 'kafkajs';
import { rabbitmqUrlFromEnv } from './brokers-env';
import { connectedProducer, createKafka, createTopic, uniqueName, waitFor } from './kafka-fixture';
import { tracing } from './tracing';

const MESSAGES = 300;
const KAFKA_SEND_SIZE = 50;
const PARTITIONS = 3;

interface ProducerContext {
  traceId: string;
  spanId: string;
}

interface HeaderCase {
  name: string;
  /** The headers a Java producer writes for `ctx`, sampled. */
  headers(ctx: ProducerContext): Record<string, string>;
  /** The consumer's global propagator. */
  propagator(): TextMapPropagator;
}

const composite = (...propagators: TextMapPropagator[]) =>
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), ...propagators] });

const CASES: HeaderCase[] = [
  {
    name: 'b3multi (X-B3-TraceId, X-B3-SpanId, X-B3-Sampled)',
    headers: ({ traceId, spanId }) => ({
      'X-B3-TraceId': traceId,
      'X-B3-SpanId': spanId,
      'X-B3-Sampled': '1',
    }),
    propagator: () =>
      composite(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })),
  },
  {
    name: 'B3 single (B3)',
    headers: ({ traceId, spanId }) => ({ B3: `${traceId}-${spanId}-1` }),
    propagator: () => composite(new B3Propagator()),
  },
  {
    name: 'Jaeger (Uber-Trace-Id)',
    headers: ({ traceId, spanId }) => ({ 'Uber-Trace-Id': `${traceId}:${spanId}:0:1` }),
    propagator: () => composite(new B3Propagator(), new JaegerPropagator()),
  },
];

function producerContexts(count: number): ProducerContext[] {
  return Array.from({ length: count }, () => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
  }));
}

const keyOf = ({ traceId, spanId }: ProducerContext) => `${traceId}/${spanId}`;

/** The batch spans of `destination` and every link reachable from them. */
function batchLinks(spans: ReadableSpan[], destination: string) {
  const batches = spans.filter(
    (span) =>
      span.name === `process ${destination}` &&
      span.kind === SpanKind.CONSUMER &&
      span.parentSpanContext === undefined,
  );
  return {
    batches,
    messageCount: batches.reduce(
      (sum, span) => sum + Number(span.attributes['messaging.batch.message_count']),
      0,
    ),
    reached: batches.flatMap((span) => reachableLinks(span, spans)),
  };
}

/** The header keys of each consumed message, as the consumer got them. */
type ConsumedKeys = string[][];

async function throughKafka(
  headerCase: HeaderCase,
  contexts: ProducerContext[],
): Promise<{ destination: string; consumed: ConsumedKeys }> {
  const kafka = createKafka('fanin-capitalised-headers');
  const topic = uniqueName('fanin-capitalised');
  await createTopic(kafka, topic, PARTITIONS);
  const producer = await connectedProducer(kafka);
  const messages: Message[] = contexts.map((ctx, i) => ({
    key: `key-${i % 7}`,
    value: `message ${i}`,
    headers: headerCase.headers(ctx),
  }));
  for (let i = 0; i < messages.length; i += KAFKA_SEND_SIZE) {
    await producer.send({ topic, messages: messages.slice(i, i + KAFKA_SEND_SIZE) });
  }
  await producer.disconnect();

  const consumed: ConsumedKeys = [];
  const consumer = kafka.consumer({ groupId: uniqueName('fanin-capitalised-group') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) consumed.push(Object.keys(message.headers ?? {}));
    },
  });
  await waitFor(() => consumed.length >= contexts.length, `${contexts.length} kafkajs messages`);
  await consumer.disconnect();
  return { destination: topic, consumed };
}

async function throughRabbitMq(
  headerCase: HeaderCase,
  contexts: ProducerContext[],
): Promise<{ destination: string; consumed: ConsumedKeys }> {
  const queue = uniqueName('fanin-capitalised');
  const connection = await connect(rabbitmqUrlFromEnv());
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: false });
    contexts.forEach((ctx, i) => {
      publisher.sendToQueue(queue, Buffer.from(`message ${i}`), {
        messageId: `m${i}`,
        headers: headerCase.headers(ctx),
      });
    });
    await publisher.waitForConfirms();
    await publisher.close();

    const consumed: ConsumedKeys = [];
    const channel = await connection.createChannel();
    const consumer = await consumeBatch(
      channel,
      queue,
      { maxMessages: 100, maxWaitMs: 200 },
      async (batch) => {
        for (const message of batch) consumed.push(Object.keys(message.properties.headers ?? {}));
      },
    );
    await waitFor(() => consumed.length >= contexts.length, `${contexts.length} amqplib messages`);
    await consumer.cancel();
    await channel.close();
    const cleanup = await connection.createChannel();
    await cleanup.deleteQueue(queue);
    await cleanup.close();
    return { destination: queue, consumed };
  } finally {
    await connection.close();
  }
}

const BROKERS = [
  { name: 'Kafka, eachBatch', run: throughKafka },
  { name: 'RabbitMQ, consumeBatch', run: throughRabbitMq },
];

for (const headerCase of CASES) {
  for (const broker of BROKERS) {
    describe(`capitalised headers, ${headerCase.name}, ${broker.name}`, () => {
      const contexts = producerContexts(MESSAGES);
      let destination = '';
      let consumed: ConsumedKeys = [];
      let spans: ReadableSpan[] = [];

      before(async () => {
        tracing.reset();
        propagation.disable();
        propagation.setGlobalPropagator(headerCase.propagator());
        ({ destination, consumed } = await broker.run(headerCase, contexts));
        spans = tracing.spans();
      });

      after(() => {
        propagation.disable();
        propagation.setGlobalPropagator(new W3CTraceContextPropagator());
        tracing.reset();
      });

      it('delivers the headers as the producer wrote them (fanin kept the carried context)', () => {
        const written = Object.keys(headerCase.headers({ traceId: '', spanId: '' }));
        assert.equal(consumed.length, MESSAGES);
        for (const keys of consumed) {
          for (const key of written) assert.ok(keys.includes(key), `${key} in ${keys}`);
          assert.equal(keys.includes('traceparent'), false, 'nothing injected');
        }
      });

      it(`links all ${MESSAGES} producers, each once`, (t) => {
        const { batches, messageCount, reached } = batchLinks(spans, destination);
        t.diagnostic(`${batches.length} batch spans, ${reached.length} links reachable`);
        assert.equal(messageCount, MESSAGES);
        assert.equal(reached.length, MESSAGES);
        assert.deepEqual(new Set(reached), new Set(contexts.map(keyOf)));
      });
    });
  }
}
