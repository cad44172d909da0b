import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestMetrics, installTestTracing } from '@fanin/test-utils';
import { consumeBatch } from './helpers/consume-batch';
import { AmqplibInstrumentation } from './instrumentation';
import { amqplibByName } from './test-support/amqplib-copies';
import { producerHeaders } from './test-support/fixtures';
import { SimulatedChannel } from './test-support/simulated-broker';

installTestTracing();
const instrumentation = new AmqplibInstrumentation();
const copy = amqplibByName();
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('amqplib metrics', () => {
  it('records consumed and sent messages and durations for consume, consumeBatch and publish', async () => {
    const metrics = installTestMetrics();
    instrumentation.setMeterProvider(metrics.provider);
    const sim = new SimulatedChannel(copy, 'promise');
    sim.channel.publish('', 'orders', Buffer.from('x'), {});
    await sim.consume('orders', () => {});
    sim.channel.ack(sim.deliver(1, 'orders', { headers: producerHeaders(1) }));
    const batchSim = new SimulatedChannel(copy, 'promise');
    await consumeBatch(batchSim.batchChannel, 'payments', { maxMessages: 3 }, () => {});
    for (const tag of [1, 2, 3]) {
      batchSim.deliver(tag, 'payments', { headers: producerHeaders(tag) });
    }
    await nextTurn();
    const points = await metrics.collect();
    const consumed = points.get('messaging.client.consumed.messages') ?? [];
    assert.deepEqual(
      consumed.map((point) => [point.attributes['messaging.destination.name'], point.value]),
      [
        ['orders', 1],
        ['payments', 3],
      ],
    );
    assert.equal(consumed[0]?.attributes['messaging.system'], 'rabbitmq');
    assert.equal(consumed[0]?.attributes['network.peer.address'], '10.1.2.3');
    assert.equal(points.get('messaging.client.sent.messages')?.[0]?.value, 1);
    assert.ok(points.has('fanin.batch.messages'));
  });
});
