import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId, testTraceparent } from '@fanin/test-utils';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { EachMessagePayload } from '../api';
import type { KafkaApiConfig } from '../config';
import type { KafkaApiHarness } from './harness';
import { type FullMessage, type FullMessagePayload, instrumentFake, kafkaMessage } from './support';

const tracing = installTestTracing();

/** The message cases, against one adapter. */
export function eachMessageTests(harness: KafkaApiHarness): void {
  async function processMessage(
    message: FullMessage,
    config: KafkaApiConfig = {},
    handler: (payload: EachMessagePayload) => Promise<void> = async () => {},
  ) {
    const { kafka, unpatch } = instrumentFake(harness, config);
    try {
      await kafka.consumer(harness.consumerConfig('g1')).run({ eachMessage: handler });
      const traced = harness.fake.lastRunConfig?.eachMessage;
      assert.ok(traced);
      const payload: FullMessagePayload = {
        topic: 'orders',
        partition: 1,
        message,
        heartbeat: async () => {},
        pause: () => () => {},
      };
      await traced(payload);
    } finally {
      unpatch();
    }
    const [span] = tracing.spans();
    assert.ok(span);
    return span;
  }

  describe('eachMessage', () => {
    beforeEach(() => tracing.reset());

    it('parents the span on the producer and links it by default', async () => {
      let activeTraceId: string | undefined;
      const span = await processMessage(
        kafkaMessage(7, { traceparent: Buffer.from(testTraceparent(1)) }),
        {},
        async () => {
          activeTraceId = trace.getActiveSpan()?.spanContext().traceId;
        },
      );
      assert.equal(span.name, 'process orders');
      assert.equal(span.kind, SpanKind.CONSUMER);
      assert.equal(span.spanContext().traceId, testTraceId(1));
      assert.equal(span.parentSpanContext?.spanId, testSpanId(1));
      assert.equal(span.links[0]?.context.spanId, testSpanId(1));
      assert.equal(activeTraceId, testTraceId(1));
      assert.equal(span.attributes['messaging.kafka.offset'], 7);
      assert.equal(span.attributes['messaging.destination.partition.id'], '1');
      assert.equal(span.attributes['messaging.consumer.group.name'], 'g1');
      assert.equal(span.attributes['messaging.message.body.size'], 'value-7'.length);
    });

    it('only links the producer with link-only', async () => {
      const span = await processMessage(kafkaMessage(7, { traceparent: testTraceparent(1) }), {
        messageContext: 'link-only',
      });
      assert.notEqual(span.spanContext().traceId, testTraceId(1));
      assert.equal(span.parentSpanContext, undefined);
      assert.equal(span.links[0]?.context.spanId, testSpanId(1));
    });

    it('starts a new trace without a link when the message has no context', async () => {
      const span = await processMessage(kafkaMessage(1, { traceparent: 'garbage' }));
      assert.equal(span.parentSpanContext, undefined);
      assert.equal(span.links.length, 0);
    });

    it('marks a tombstone', async () => {
      const message = { ...kafkaMessage(1, undefined), value: null };
      const span = await processMessage(message);
      assert.equal(span.attributes['messaging.kafka.message.tombstone'], true);
    });

    it('records a failure and re-throws it unchanged; a throwing hook changes nothing', async () => {
      const failure = new Error('handler failed');
      await assert.rejects(
        processMessage(
          kafkaMessage(1, undefined),
          {
            consumerHook: () => {
              throw new Error('hook bug');
            },
          },
          async () => {
            throw failure;
          },
        ),
        (error) => error === failure,
      );
      const [span] = tracing.spans();
      assert.equal(span?.status.code, SpanStatusCode.ERROR);
    });
  });
}
