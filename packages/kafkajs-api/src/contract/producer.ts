import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { contextKey, installTestTracing, testTraceparent } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { KafkaApiConfig } from '../config';
import type { KafkaApiHarness } from './harness';
import { instrumentFake, type TestMessage } from './support';

const tracing = installTestTracing();

/** The producer cases, against one adapter. */
export function producerTests(harness: KafkaApiHarness): void {
  function producer(config: KafkaApiConfig = {}) {
    const { kafka, unpatch } = instrumentFake(harness, config);
    const created = kafka.producer();
    unpatch();
    return created;
  }

  const traceparentOf = (message: TestMessage) => String(message.headers?.traceparent);
  const spanTraceparent = (span: { spanContext(): { traceId: string; spanId: string } }) =>
    `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

  describe('producer', () => {
    beforeEach(() => tracing.reset());

    it('sends one message inside a send span whose context is in its headers', async () => {
      const message: TestMessage = { value: 'v' };
      await producer().send({ topic: 'orders', messages: [message] });
      const [span] = tracing.spans();
      assert.equal(span?.name, 'send orders');
      assert.equal(span?.kind, SpanKind.PRODUCER);
      assert.equal(span?.attributes['messaging.operation.type'], 'send');
      assert.equal(span?.attributes['messaging.destination.name'], 'orders');
      assert.ok(span);
      assert.equal(traceparentOf(message), spanTraceparent(span));
    });

    it('gives each message of a multi-message send its own create span, linked from the send span', async () => {
      const messages: TestMessage[] = [{ value: 'a' }, { value: 'b' }, { value: 'c' }];
      await producer().send({ topic: 'orders', messages });
      const spans = tracing.spans();
      const creates = spans.filter((span) => span.name === 'create orders');
      const send = spans.find((span) => span.name === 'send orders');
      assert.equal(creates.length, 3);
      assert.ok(send);
      assert.equal(send.attributes['messaging.batch.message_count'], 3);
      assert.deepEqual(
        messages.map(traceparentOf),
        creates.map((span) => spanTraceparent(span)),
      );
      assert.deepEqual(
        send.links.map((link) => contextKey(link.context)),
        creates.map((span) => contextKey(span.spanContext())),
      );
    });

    it('names a sendBatch to several topics "send", and traces each message', async () => {
      const a: TestMessage = { value: 'a' };
      const b: TestMessage = { value: 'b' };
      await producer().sendBatch({
        topicMessages: [
          { topic: 'orders', messages: [a] },
          { topic: 'payments', messages: [b] },
        ],
      });
      const names = tracing
        .spans()
        .map((span) => span.name)
        .sort();
      assert.deepEqual(names, ['create orders', 'create payments', 'send']);
      assert.match(traceparentOf(a), /^00-/);
      assert.match(traceparentOf(b), /^00-/);
    });

    it('never writes to a headers object the caller shares between messages', async () => {
      const shared = { 'app-header': 'x' };
      const messages: TestMessage[] = [
        { value: 'a', headers: shared },
        { value: 'b', headers: shared },
      ];
      await producer().send({ topic: 'orders', messages });
      assert.deepEqual(shared, { 'app-header': 'x' });
      assert.notEqual(
        traceparentOf(messages[0] as TestMessage),
        traceparentOf(messages[1] as TestMessage),
      );
      assert.equal(messages[0]?.headers?.['app-header'], 'x');
    });

    it('leaves a context the message already carries, unless told to overwrite it', async () => {
      const carried: TestMessage = { value: 'a', headers: { traceparent: testTraceparent(9) } };
      await producer().send({ topic: 'orders', messages: [carried] });
      assert.equal(traceparentOf(carried), testTraceparent(9));

      await producer({ overwriteExistingContext: true }).send({
        topic: 'orders',
        messages: [carried],
      });
      assert.notEqual(traceparentOf(carried), testTraceparent(9));
    });

    it('records a failed send as ERROR and re-throws the same error', async () => {
      await assert.rejects(
        producer().send({ topic: 'fails', messages: [{ value: 'a' }] }),
        /broker said no/,
      );
      assert.equal(tracing.spans()[0]?.status.code, SpanStatusCode.ERROR);
    });

    it('traces the sends of a transaction', async () => {
      const transaction = await producer().transaction();
      const message: TestMessage = { value: 'a' };
      await transaction.send({ topic: 'orders', messages: [message] });
      assert.equal(tracing.spans()[0]?.name, 'send orders');
      assert.match(traceparentOf(message), /^00-/);
    });

    it('calls the producer hook for each creation context, surviving one that throws', async () => {
      const seen: string[] = [];
      await producer({
        producerHook: (span, { topic }) => {
          seen.push(topic);
          span.setAttribute('app.hooked', true);
          throw new Error('hook bug');
        },
      }).send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
      assert.deepEqual(seen, ['orders', 'orders']);
      assert.equal(tracing.spans().filter((span) => span.attributes['app.hooked']).length, 2);
    });
  });
}
