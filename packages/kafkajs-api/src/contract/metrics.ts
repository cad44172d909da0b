import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestMetrics, installTestTracing } from '@fanin/test-utils';
import type { KafkaApiHarness } from './harness';
import {
  batchPayload,
  instrumentFake,
  messagesFromDistinctProducers,
  tracedEachBatch,
} from './support';

installTestTracing();

/** The metrics cases, against one adapter. */
export function metricsTests(harness: KafkaApiHarness): void {
  describe(`${harness.library} metrics`, () => {
    it("records the conventions' and fanin's metrics through the instrumentation's meter", async () => {
      const metrics = installTestMetrics();
      const { instrumentation, kafka, unpatch } = instrumentFake(harness);
      instrumentation.setMeterProvider(metrics.provider);
      const traced = await tracedEachBatch(harness, kafka, async () => {});
      await traced(batchPayload(messagesFromDistinctProducers(130)));
      await kafka.producer().send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
      unpatch();
      const points = await metrics.collect();
      assert.deepEqual(points.get('messaging.client.consumed.messages')?.[0]?.attributes, {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'process',
        'messaging.destination.name': 'orders',
        'messaging.consumer.group.name': 'test-group',
        'messaging.destination.partition.id': '3',
      });
      assert.equal(points.get('messaging.client.consumed.messages')?.[0]?.value, 130);
      assert.equal(points.get('fanin.links.spilled')?.[0]?.value, 2);
      assert.equal(points.get('messaging.client.sent.messages')?.[0]?.value, 2);
      assert.ok(points.has('messaging.process.duration'));
      assert.ok(points.has('messaging.client.operation.duration'));
    });
  });
}
