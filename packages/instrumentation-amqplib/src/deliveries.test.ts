import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Span } from '@opentelemetry/api';
import { DeliveryTracker, type PendingDelivery } from './deliveries';
import type { AmqpTracingSettings } from './settings';

function delivery(tag: number, deadline = Number.POSITIVE_INFINITY): PendingDelivery {
  return {
    tag,
    queue: 'orders',
    message: {
      content: Buffer.alloc(0),
      fields: { deliveryTag: tag, redelivered: false, exchange: '', routingKey: 'orders' },
      properties: {},
    },
    span: {} as Span,
    settings: {} as AmqpTracingSettings,
    deadline,
  };
}

const tags = (deliveries: PendingDelivery[]) => deliveries.map((d) => d.tag);

describe('DeliveryTracker', () => {
  it('takes one delivery, every one up to a tag, or all of them for tag 0', () => {
    const tracker = new DeliveryTracker(() => {});
    for (const tag of [1, 2, 3, 4, 5, 6]) tracker.add(delivery(tag));
    assert.deepEqual(tags(tracker.take(2, false)), [2]);
    assert.deepEqual(tags(tracker.take(2, false)), []);
    assert.deepEqual(tags(tracker.take(4, true)), [1, 3, 4]);
    assert.deepEqual(tags(tracker.take(0, true)), [5, 6]);
    assert.equal(tracker.size, 0);
  });

  it('times deliveries out in order with one timer, re-armed for the next deadline', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const expired: number[][] = [];
    const tracker = new DeliveryTracker((deliveries) => expired.push(tags(deliveries)));
    tracker.add(delivery(1, 100));
    tracker.add(delivery(2, 100));
    tracker.add(delivery(3, 250));
    t.mock.timers.tick(100);
    assert.deepEqual(expired, [[1, 2]]);
    t.mock.timers.tick(150);
    assert.deepEqual(expired, [[1, 2], [3]]);
    assert.equal(tracker.size, 0);
  });

  it('uses an unref timer, so waiting deliveries never keep the process alive', () => {
    const original = globalThis.setTimeout;
    let unrefed = false;
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      const timer = original(fn, ms);
      const unref = timer.unref.bind(timer);
      timer.unref = () => {
        unrefed = true;
        return unref();
      };
      return timer;
    }) as typeof setTimeout;
    try {
      const tracker = new DeliveryTracker(() => {});
      tracker.add(delivery(1, Date.now() + 60_000));
      tracker.takeAll();
    } finally {
      globalThis.setTimeout = original;
    }
    assert.equal(unrefed, true);
  });
});
