import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  childrenOf,
  contextKey,
  installTestTracing,
  reachableLinks,
  testSpanId,
  testTraceId,
  testTraceparent,
} from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { KafkaApiConfig } from '../config';
import type { KafkaApiHarness } from './harness';
import {
  batchPayload,
  type FullBatchPayload,
  type FullMessage,
  instrumentFake,
  kafkaMessage,
  messagesFromDistinctProducers,
  tracedEachBatch,
} from './support';

const tracing = installTestTracing();

/** The batch cases, against one adapter. */
export function batchTests(harness: KafkaApiHarness): void {
  async function runBatch(
    messages: FullMessage[],
    config: KafkaApiConfig = {},
    handler: (payload: FullBatchPayload) => Promise<void> = async () => {},
  ) {
    const { kafka, unpatch } = instrumentFake(harness, config);
    try {
      const traced = await tracedEachBatch(harness, kafka, handler);
      await traced(batchPayload(messages));
    } finally {
      unpatch();
    }
    const spans = tracing.spans();
    const batch = spans.find(
      (span) =>
        span.name === 'process orders' &&
        span.kind === SpanKind.CONSUMER &&
        !span.parentSpanContext,
    );
    assert.ok(batch, 'an eachBatch span was exported');
    return { batch, spans };
  }

  const producerKeys = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      contextKey({ traceId: testTraceId(i), spanId: testSpanId(i) }),
    );

  describe('eachBatch', () => {
    beforeEach(() => tracing.reset());

    it('records ONE consumer span per call with the messaging attributes', async () => {
      const { batch, spans } = await runBatch(messagesFromDistinctProducers(5, 100));
      assert.equal(spans.length, 1);
      assert.equal(batch.kind, SpanKind.CONSUMER);
      assert.deepEqual(
        { ...batch.attributes },
        {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': 'orders',
          'messaging.destination.partition.id': '3',
          'messaging.consumer.group.name': 'test-group',
          'messaging.batch.message_count': 5,
          'fanin.batch.context_count': 5,
          'fanin.links.kept': 5,
          'fanin.links.spilled': 0,
          'fanin.links.dropped': 0,
          'fanin.links.spill_spans': 0,
          'fanin.messages.without_context': 0,
          'fanin.messages.invalid_context': 0,
          'fanin.messages.unsampled_context': 0,
        },
      );
    });

    it('links every producer with the offset and partition of its message', async () => {
      const { batch } = await runBatch(messagesFromDistinctProducers(3, 100));
      assert.deepEqual(
        batch.links.map((link) => [contextKey(link.context), link.attributes]),
        [0, 1, 2].map((i) => [
          contextKey({ traceId: testTraceId(i), spanId: testSpanId(i) }),
          {
            'messaging.kafka.offset': 100 + i,
            'messaging.destination.partition.id': '3',
            'fanin.link.message_count': 1,
          },
        ]),
      );
    });

    it('runs the handler inside the span, with the payload untouched', async () => {
      const payload = batchPayload(messagesFromDistinctProducers(2));
      let seenSpanId: string | undefined;
      let seenPayload: FullBatchPayload | undefined;
      const { kafka, unpatch } = instrumentFake(harness);
      const traced = await tracedEachBatch(harness, kafka, async (received) => {
        seenPayload = received;
        await new Promise((resolve) => setImmediate(resolve));
        seenSpanId = trace.getActiveSpan()?.spanContext().spanId;
        received.resolveOffset('1');
        await received.heartbeat();
        await received.commitOffsetsIfNecessary();
        assert.equal(received.isRunning(), true);
        assert.equal(received.isStale(), false);
        received.pause()();
      });
      await traced(payload);
      unpatch();
      assert.equal(seenPayload, payload);
      assert.equal(seenSpanId, tracing.spans()[0]?.spanContext().spanId);
    });

    for (const count of [128, 129, 1000, 10_000]) {
      it(`keeps every one of ${count} producers reachable, at most 128 links a span`, async () => {
        const { batch, spans } = await runBatch(messagesFromDistinctProducers(count));
        assert.equal(batch.attributes['messaging.batch.message_count'], count);
        assert.equal(batch.links.length, Math.min(count, 128));
        assert.equal(batch.attributes['fanin.links.spilled'], Math.max(0, count - 128));
        for (const span of spans) assert.ok(span.links.length <= 128);
        assert.deepEqual(reachableLinks(batch, spans), producerKeys(count));
      });
    }

    it('drops links past the cap when configured, and counts them', async () => {
      const { batch, spans } = await runBatch(messagesFromDistinctProducers(1000), {
        overflow: 'drop',
        maxLinksPerSpan: 100,
      });
      assert.equal(spans.length, 1);
      assert.equal(batch.links.length, 100);
      assert.equal(batch.attributes['fanin.links.dropped'], 900);
    });

    it('de-duplicates messages from the same producer span', async () => {
      const messages = Array.from({ length: 10 }, (_, i) =>
        kafkaMessage(i, { traceparent: testTraceparent(i % 2) }),
      );
      const { batch } = await runBatch(messages);
      assert.equal(batch.links.length, 2);
      assert.deepEqual(
        batch.links.map((link) => [
          link.attributes?.['messaging.kafka.offset'],
          link.attributes?.['fanin.link.message_count'],
        ]),
        [
          [0, 5],
          [1, 5],
        ],
      );
    });

    it('processes messages with missing, malformed, oversized or odd headers, counting them', async () => {
      const messages = [
        kafkaMessage(0, undefined),
        kafkaMessage(1, {}),
        kafkaMessage(2, { traceparent: 'garbage' }),
        kafkaMessage(3, { traceparent: Buffer.from('00-zz-zz-01') }),
        kafkaMessage(4, { traceparent: `${testTraceparent(4)}${'x'.repeat(20_000)}` }),
        kafkaMessage(5, { traceparent: [testTraceparent(5)] }),
        kafkaMessage(6, { traceparent: [Buffer.from(testTraceparent(6)), 'second'] }),
        kafkaMessage(7, { traceparent: Buffer.from(testTraceparent(7)) }),
        kafkaMessage(8, { __proto__: testTraceparent(8) } as never),
      ];
      let handled = 0;
      const { batch } = await runBatch(messages, {}, async ({ batch: received }) => {
        handled = received.messages.length;
      });
      assert.equal(handled, 9);
      assert.equal(batch.attributes['messaging.batch.message_count'], 9);
      assert.deepEqual(
        batch.links.map((link) => link.attributes?.['messaging.kafka.offset']),
        [5, 6, 7],
      );
      assert.equal(batch.attributes['fanin.messages.invalid_context'], 3);
      assert.equal(batch.attributes['fanin.messages.without_context'], 3);
      assert.equal(batch.status.code, SpanStatusCode.UNSET);
    });

    it('records a rejected handler as ERROR and hands the library the same error', async () => {
      const failure = new Error('database down');
      await assert.rejects(
        runBatch(messagesFromDistinctProducers(2), {}, async () => {
          throw failure;
        }),
        (error) => error === failure,
      );
      const [batch] = tracing.spans();
      assert.equal(batch?.status.code, SpanStatusCode.ERROR);
      assert.equal(batch?.status.message, 'database down');
      assert.equal(batch?.events[0]?.name, 'exception');
    });

    it('survives a batch hook that throws', async () => {
      let ran = false;
      const { batch } = await runBatch(
        messagesFromDistinctProducers(2),
        {
          batchHook: () => {
            throw new Error('hook bug');
          },
        },
        async () => {
          ran = true;
        },
      );
      assert.equal(ran, true);
      assert.equal(batch.status.code, SpanStatusCode.UNSET);
    });

    it('passes the batch to the batch hook', async () => {
      const { batch } = await runBatch(messagesFromDistinctProducers(2), {
        batchHook: (span, { batch: hooked }) =>
          span.setAttribute(
            'app.high_watermark',
            (hooked as FullBatchPayload['batch']).highWatermark,
          ),
      });
      assert.equal(batch.attributes['app.high_watermark'], '2');
    });

    it('adds per-message child spans when asked, each linked to its producer', async () => {
      const seen: string[] = [];
      const { batch, spans } = await runBatch(messagesFromDistinctProducers(3), {
        perMessageSpans: true,
        consumerHook: (_span, { message }) => seen.push(message.offset),
      });
      const children = childrenOf(batch, spans);
      assert.equal(children.length, 3);
      assert.deepEqual(seen, ['0', '1', '2']);
      for (const [i, child] of children.entries()) {
        assert.equal(child.name, 'process orders');
        assert.equal(child.attributes['messaging.kafka.offset'], i);
        assert.equal(
          contextKey(child.links[0]?.context ?? { traceId: '', spanId: '' }),
          producerKeys(3)[i],
        );
      }
    });

    it('records the message key only when asked', async () => {
      const plain = await runBatch(messagesFromDistinctProducers(1));
      assert.equal(plain.batch.links[0]?.attributes?.['messaging.kafka.message.key'], undefined);
      tracing.reset();
      const keyed = await runBatch(messagesFromDistinctProducers(1), { captureMessageKey: true });
      assert.equal(keyed.batch.links[0]?.attributes?.['messaging.kafka.message.key'], 'key-0');
    });

    it('emits old and new attribute names with semconvStability dup', async () => {
      const { batch } = await runBatch(messagesFromDistinctProducers(1), {
        semconvStability: 'dup',
      });
      assert.equal(batch.attributes['messaging.kafka.consumer.group'], 'test-group');
      assert.equal(batch.attributes['messaging.consumer.group.name'], 'test-group');
      assert.equal(batch.attributes['messaging.operation'], 'process');
      assert.equal(batch.links[0]?.attributes?.['messaging.kafka.message.offset'], 0);
      assert.equal(batch.links[0]?.attributes?.['messaging.kafka.offset'], 0);
    });

    describe('when disabled', () => {
      afterEach(() => tracing.reset());
      it('lets handlers wrapped earlier run untraced', async () => {
        const { instrumentation, kafka, unpatch } = instrumentFake(harness);
        let ran = false;
        const traced = await tracedEachBatch(harness, kafka, async () => {
          ran = true;
        });
        instrumentation.disable();
        await traced(batchPayload(messagesFromDistinctProducers(2)));
        unpatch();
        assert.equal(ran, true);
        assert.equal(tracing.spans().length, 0);
      });
    });
  });
}
