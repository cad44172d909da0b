import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { contextKey, installTestTracing } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { KafkaApiHarness } from './harness';
import { instrumentFake } from './support';

const tracing = installTestTracing();

/** The transaction cases, against one adapter. */
export function transactionTests(harness: KafkaApiHarness): void {
  async function transaction() {
    const { kafka, unpatch } = instrumentFake(harness);
    const producer = kafka.producer();
    unpatch();
    const txn = await producer.transaction();
    await txn.send({ topic: 'orders', messages: [{ value: 'one' }] });
    await txn.send({ topic: 'orders', messages: [{ value: 'two' }, { value: 'three' }] });
    await txn.sendOffsets({
      consumerGroupId: 'g',
      topics: [
        {
          topic: 'in',
          partitions: [
            { partition: 0, offset: '5' },
            { partition: 1, offset: '7' },
          ],
        },
      ],
    });
    return txn;
  }

  function transactionSpan() {
    const spans = tracing.spans();
    const span = spans.find((s) => s.name === 'transaction orders');
    assert.ok(span, 'the transaction span was exported');
    const creation = spans.filter(
      (s) => s.name === 'create orders' || (s.name === 'send orders' && s.links.length === 0),
    );
    return { span, creation };
  }

  describe(`${harness.library} transactions`, () => {
    beforeEach(() => {
      tracing.reset();
      harness.fake.failCommit = false;
    });

    it('records ONE transaction span at commit, linked to every message sent inside it', async () => {
      const txn = await transaction();
      await txn.commit();
      const { span, creation } = transactionSpan();
      assert.equal(creation.length, 3);
      assert.equal(span.kind, SpanKind.PRODUCER);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['fanin.transaction.outcome'], 'committed');
      assert.equal(span.attributes['fanin.transaction.offset_partitions'], 2);
      assert.equal(span.attributes['messaging.batch.message_count'], 3);
      assert.deepEqual(
        new Set(span.links.map((link) => contextKey(link.context))),
        new Set(creation.map((s) => contextKey(s.spanContext()))),
      );
      const [firstSend] = creation;
      assert.ok(firstSend);
      const startOf = (time: [number, number]) => time[0] * 1e3 + time[1] / 1e6;
      assert.ok(
        startOf(span.startTime) <= startOf(firstSend.startTime) + 1,
        'starts with the transaction',
      );
    });

    it('marks an aborted transaction without calling it an error', async () => {
      const txn = await transaction();
      await txn.abort();
      const { span } = transactionSpan();
      assert.equal(span.attributes['fanin.transaction.outcome'], 'aborted');
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    });

    it('records a failed commit as ERROR and re-throws it', async () => {
      const txn = await transaction();
      harness.fake.failCommit = true;
      await assert.rejects(txn.commit(), /commit failed/);
      assert.equal(transactionSpan().span.status.code, SpanStatusCode.ERROR);
    });
  });
}
