import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextKey } from '@fanin/test-utils';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Message } from 'kafkajs';
import { createKafka, createTopic, producerKeyOf, uniqueName } from './kafka-fixture';
import { tracing } from './tracing';

describe('kafkajs transactions against a real broker', () => {
  const kafka = createKafka();
  const topic = uniqueName('fanin-transactions');
  const committed: Message[] = [];
  const aborted: Message[] = [];
  let spans: ReadableSpan[] = [];

  before(async () => {
    await createTopic(kafka, topic, 2);
    const producer = kafka.producer({
      transactionalId: uniqueName('fanin-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const commit = await producer.transaction();
    committed.push({ value: 'one' }, { value: 'two' }, { value: 'three' });
    await commit.send({ topic, messages: [committed[0] as Message] });
    await commit.send({ topic, messages: committed.slice(1) });
    await commit.commit();
    const abort = await producer.transaction();
    aborted.push({ value: 'four' });
    await abort.send({ topic, messages: aborted });
    await abort.abort();
    await producer.disconnect();
    spans = tracing.spans().filter((span) => span.name === `transaction ${topic}`);
  });

  after(() => tracing.reset());

  it('records a transaction span linked to every message sent in it, at commit', () => {
    const span = spans.find((s) => s.attributes['fanin.transaction.outcome'] === 'committed');
    assert.ok(span);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.deepEqual(
      new Set(span.links.map((link) => contextKey(link.context))),
      new Set(committed.map((message) => producerKeyOf(String(message.headers?.traceparent)))),
    );
    assert.equal(span.attributes['messaging.batch.message_count'], 3);
  });

  it('marks the aborted transaction, without an error status', () => {
    const span = spans.find((s) => s.attributes['fanin.transaction.outcome'] === 'aborted');
    assert.ok(span);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(
      span.links[0] && contextKey(span.links[0].context),
      producerKeyOf(String(aborted[0]?.headers?.traceparent)),
    );
  });
});
