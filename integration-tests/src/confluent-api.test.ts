// Confluent's client (its KafkaJS API) under fanin against the real broker:
// eachMessage, a handler's error, transactions, and disable().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { contextKey } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import {
  confluentInstrumentation,
  confluentKafkaJs,
  createConfluentKafka,
} from './confluent-fixture';
import { createKafka, createTopic, uniqueName, waitFor } from './kafka-fixture';
import { tracing } from './tracing';

async function confluentProducer(config?: KafkaJS.ProducerConstructorConfig) {
  const producer = createConfluentKafka().producer(config);
  await producer.connect();
  return producer;
}

function confluentConsumer() {
  return createConfluentKafka().consumer({
    kafkaJS: { groupId: uniqueName('fanin-confluent-group'), fromBeginning: true },
  });
}

describe("Confluent's client: eachMessage, errors and transactions against a real broker", () => {
  it('parents and links each eachMessage span to its producer', async () => {
    tracing.reset();
    const topic = uniqueName('fanin-confluent-each-message');
    await createTopic(createKafka(), topic, 1);
    const producer = await confluentProducer();
    const tracer = trace.getTracer('integration-producer');
    await tracer.startActiveSpan('request', async (request) => {
      await producer.send({ topic, messages: [{ value: 'a' }] });
      await producer.send({ topic, messages: [{ value: 'b' }] });
      request.end();
    });
    await producer.disconnect();
    const sends = tracing.spans().filter((span) => span.name === `send ${topic}`);
    assert.equal(sends.length, 2);

    const consumer = confluentConsumer();
    const active: Array<string | undefined> = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      eachMessage: async () => {
        active.push(trace.getActiveSpan()?.spanContext().spanId);
      },
    });
    await waitFor(() => active.length >= 2, 'two messages');
    await consumer.disconnect();

    const processed = tracing
      .spans()
      .filter((span) => span.name === `process ${topic}` && span.kind === SpanKind.CONSUMER);
    assert.equal(processed.length, 2);
    assert.deepEqual(
      processed.map((span) => span.spanContext().spanId),
      active,
      'each handler ran in its span',
    );
    assert.deepEqual(
      processed.map((span) => span.parentSpanContext?.spanId),
      sends.map((span) => span.spanContext().spanId),
    );
    assert.deepEqual(
      processed.map((span) => contextKey(span.links[0]?.context ?? { traceId: '', spanId: '' })),
      sends.map((span) => contextKey(span.spanContext())),
    );
    for (const span of processed) {
      assert.equal(span.attributes['messaging.system'], 'kafka');
      assert.equal(span.attributes['messaging.destination.partition.id'], '0');
      assert.equal(typeof span.attributes['messaging.kafka.offset'], 'number');
    }
  });

  it("records a handler's error as ERROR, and the client gets it (it redelivers the batch)", async () => {
    tracing.reset();
    const topic = uniqueName('fanin-confluent-error');
    await createTopic(createKafka(), topic, 1);
    const producer = await confluentProducer();
    await producer.send({ topic, messages: [{ value: 'fails once' }] });
    await producer.disconnect();

    const failure = new Error('database down');
    const consumer = confluentConsumer();
    let calls = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      eachBatch: async () => {
        calls += 1;
        if (calls === 1) throw failure;
      },
    });
    // The client retries a batch whose handler threw: a second call means it saw the error.
    await waitFor(() => calls >= 2, 'the batch redelivered after the error');
    await consumer.disconnect();

    const [first, second] = tracing.spans().filter((span) => span.name === `process ${topic}`);
    assert.equal(first?.status.code, SpanStatusCode.ERROR);
    assert.equal(first?.status.message, 'database down');
    assert.equal(first?.events[0]?.name, 'exception');
    assert.equal(second?.status.code, SpanStatusCode.UNSET);
  });

  it('records ONE transaction span per commit or abort, linked to the messages sent in it', async () => {
    tracing.reset();
    const topic = uniqueName('fanin-confluent-transaction');
    await createTopic(createKafka(), topic, 2);
    const producer = await confluentProducer({
      kafkaJS: { transactionalId: uniqueName('fanin-confluent-txn'), idempotent: true },
    });
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'one' }] });
      await committed.sendBatch({
        topicMessages: [{ topic, messages: [{ value: 'two' }, { value: 'three' }] }],
      });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'four' }] });
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }

    const spans = tracing.spans();
    const transactions = spans.filter((span) => span.name === `transaction ${topic}`);
    assert.deepEqual(
      transactions.map((span) => span.attributes['fanin.transaction.outcome']),
      ['committed', 'aborted'],
    );
    assert.deepEqual(
      transactions.map((span) => span.attributes['messaging.batch.message_count']),
      [3, 1],
    );
    for (const span of transactions) {
      assert.equal(span.kind, SpanKind.PRODUCER);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    }
    // The sendBatch is ONE send span (Confluent's sendBatch calls send: traced once).
    const sendSpans = spans.filter((span) => span.name.startsWith('send'));
    assert.equal(sendSpans.length, 3);
    const creation = spans.filter(
      (span) =>
        span.name === `create ${topic}` || (span.name === `send ${topic}` && !span.links.length),
    );
    const linked = transactions.flatMap((span) =>
      span.links.map((link) => contextKey(link.context)),
    );
    assert.deepEqual(
      new Set(linked),
      new Set(creation.map((span) => contextKey(span.spanContext()))),
    );
    assert.equal(linked.length, 4);
  });

  it('restores the original Kafka.prototype.producer and consumer on disable()', () => {
    const { Kafka } = confluentKafkaJs();
    const wrapped = Kafka.prototype.consumer as unknown as { __original?: unknown };
    const original = {
      consumer: wrapped.__original,
      producer: (Kafka.prototype.producer as unknown as { __original?: unknown }).__original,
    };
    assert.ok(isWrapped(Kafka.prototype.consumer));
    confluentInstrumentation.disable();
    assert.equal(Kafka.prototype.consumer, original.consumer);
    assert.equal(Kafka.prototype.producer, original.producer);
    const consumer = createConfluentKafka().consumer({ kafkaJS: { groupId: 'g' } });
    assert.notEqual(consumer.run.name, 'tracedRun');
    confluentInstrumentation.enable();
    assert.ok(isWrapped(Kafka.prototype.consumer));
    assert.equal(
      createConfluentKafka().consumer({ kafkaJS: { groupId: 'g' } }).run.name,
      'tracedRun',
    );
  });
});
