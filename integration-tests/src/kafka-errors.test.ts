import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { connectedProducer, createKafka, createTopic, uniqueName, waitFor } from './kafka-fixture';
import { tracing } from './tracing';

describe('kafkajs eachBatch errors against a real broker', () => {
  const kafka = createKafka();
  const topic = uniqueName('fanin-errors');
  const failure = new Error('handler failed on purpose');
  const firstOffsets: string[] = [];
  let succeeded = false;
  let spans: ReadableSpan[] = [];

  before(async () => {
    await createTopic(kafka, topic, 1);
    const producer = await connectedProducer(kafka);
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({
      groupId: uniqueName('fanin-errors-group'),
      retry: { initialRetryTime: 100, retries: 8 },
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        firstOffsets.push(batch.firstOffset() ?? '');
        if (firstOffsets.length === 1) throw failure;
        succeeded = true;
      },
    });
    await waitFor(() => succeeded, 'the batch to be retried and succeed');
    await consumer.disconnect();
    spans = tracing.spans().filter((span) => span.name === `process ${topic}`);
  });

  after(() => tracing.reset());

  it('lets kafkajs retry the failed batch from the same offset', () => {
    assert.ok(firstOffsets.length >= 2);
    assert.equal(firstOffsets[0], '0');
    assert.equal(firstOffsets[1], '0');
  });

  it('marks the failed batch span ERROR with the exception, and the retry OK', () => {
    assert.equal(spans.length, firstOffsets.length);
    const [failed, retried] = spans;
    assert.equal(failed?.status.code, SpanStatusCode.ERROR);
    assert.equal(failed?.status.message, failure.message);
    assert.equal(
      failed?.events.find((event) => event.name === 'exception')?.attributes?.['exception.message'],
      failure.message,
    );
    assert.equal(retried?.status.code, SpanStatusCode.UNSET);
    assert.equal(retried?.attributes['messaging.batch.message_count'], 10);
  });
});
