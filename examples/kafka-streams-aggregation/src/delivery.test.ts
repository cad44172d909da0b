import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Aggregator } from './aggregator';
import { createDelivery } from './delivery';
import { FakeKafka } from './fake-kafka.test-support';
import { topicsFor } from './orders';

const topics = topicsFor('test');

function transactionalDelivery(kafka: FakeKafka) {
  return createDelivery('transactional', {
    kafka: kafka.client,
    consumer: kafka.consumer() as never,
    topics,
    groupId: 'aggregator-test',
    beforeCommit: async () => {},
    commitIntervalMs: 1_000,
  });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('transactional delivery', () => {
  it('fails a claim that resumes after close, and leaves no producer connected', async () => {
    const kafka = new FakeKafka();
    const delivery = transactionalDelivery(kafka);
    await delivery.claim(0);
    kafka.holdDisconnects = true;
    // The second claim of partition 0 waits while the first owner's producer disconnects.
    const reclaim = delivery.claim(0);
    await tick();
    const closed = delivery.close();
    kafka.producers[0]?.releaseDisconnect?.();
    await assert.rejects(reclaim, /claimed after the delivery closed/);
    await closed;
    assert.equal(kafka.producers.length, 1);
    assert.deepEqual(kafka.leaked(), []);
  });

  it('makes no producer for a claim after close', async () => {
    const kafka = new FakeKafka();
    const delivery = transactionalDelivery(kafka);
    await delivery.close();
    await assert.rejects(delivery.claim(1), /claimed after the delivery closed/);
    assert.equal(kafka.producers.length, 0);
  });
});

describe('Aggregator.stop', () => {
  it('claims no partition handed over by a rebalance once stopping', async () => {
    const kafka = new FakeKafka();
    const aggregator = new Aggregator(kafka.client, topics, {
      groupId: 'aggregator-test',
      windowMs: 1_000,
      mode: 'transactional',
      commitIntervalMs: 1_000,
    });
    await aggregator.start();
    kafka.assign(topics.orders, [0]);
    await tick();
    const stopped = aggregator.stop();
    // Another member left the group meanwhile: this one is handed its partitions.
    kafka.assign(topics.orders, [0, 1, 2]);
    await stopped;
    kafka.assign(topics.orders, [0, 1, 2]);
    await tick();
    assert.deepEqual(
      kafka.producers.map((producer) => producer.transactionalId),
      [`aggregator-test-${topics.orders}-0`],
    );
    assert.deepEqual(kafka.leaked(), []);
  });
});
