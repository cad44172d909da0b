import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { txCommit, txRollback, txSelect } from '@fanin/instrumentation-amqplib';
import { contextKey } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ChannelModel } from 'amqplib';
import {
  amqplibMajors,
  connect,
  deleteQueue,
  readyCount,
  uniqueQueue,
  waitFor,
} from './amqplib-fixture';
import { tracing } from './tracing';

for (const copy of amqplibMajors()) {
  describe(`AMQP transactions against a real RabbitMQ, ${copy.label}`, () => {
    let connection: ChannelModel;
    const queue = uniqueQueue('tx');
    let spans: ReadableSpan[] = [];

    before(async () => {
      tracing.reset();
      connection = await connect(copy);
      const channel = await connection.createChannel();
      await channel.assertQueue(queue, { durable: false });
      await txSelect(channel);
      for (const id of ['c1', 'c2', 'c3'])
        channel.sendToQueue(queue, Buffer.from(id), { messageId: id });
      await txCommit(channel);
      channel.sendToQueue(queue, Buffer.from('r1'), { messageId: 'r1' });
      await txRollback(channel);
      await channel.close();
      spans = tracing.spans();
    });

    after(async () => {
      await deleteQueue(connection, queue);
      await connection.close();
      tracing.reset();
    });

    const transactionSpans = () => spans.filter((span) => span.name === `transaction ${queue}`);
    const publishSpan = (id: string) =>
      spans.find(
        (span) => span.kind === SpanKind.PRODUCER && span.attributes['messaging.message.id'] === id,
      );

    it('records the committed transaction, linked to every message published in it', async () => {
      const committed = transactionSpans().find(
        (span) => span.attributes['fanin.transaction.outcome'] === 'committed',
      );
      assert.ok(committed);
      assert.equal(committed.status.code, SpanStatusCode.UNSET);
      assert.equal(committed.attributes['messaging.system'], 'rabbitmq');
      assert.deepEqual(
        committed.links.map((link) => contextKey(link.context)),
        ['c1', 'c2', 'c3'].map((id) => {
          const span = publishSpan(id);
          assert.ok(span, `publish span of ${id}`);
          return contextKey(span.spanContext());
        }),
      );
      await waitFor(
        async () => (await readyCount(connection, queue)) === 3,
        'the 3 committed messages',
      );
    });

    it('records the rolled-back transaction, marked and not an error; its message never arrives', async () => {
      const rolledBack = transactionSpans().find(
        (span) => span.attributes['fanin.transaction.outcome'] === 'rolled_back',
      );
      assert.ok(rolledBack);
      assert.equal(rolledBack.status.code, SpanStatusCode.UNSET);
      const r1 = publishSpan('r1');
      assert.ok(r1);
      assert.deepEqual(
        rolledBack.links.map((link) => contextKey(link.context)),
        [contextKey(r1.spanContext())],
      );
      assert.equal(await readyCount(connection, queue), 3);
    });
  });
}
