import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Order } from './orders';
import { PartitionWindows, type Segment } from './windows';

const WINDOW = 1_000;
const order = (customer: string, createdAt: number): Order => ({
  orderId: `${customer}-${createdAt}`,
  customer,
  amount: 10,
  service: 'checkout',
  createdAt,
});

/** Feeds `orders` from offset `from`; returns the sealed segments (the open one sealed last). */
function segmentsOf(orders: Order[], from = 0): Segment[] {
  const windows = new PartitionWindows(2, WINDOW);
  const sealed: Segment[] = [];
  orders.forEach((o, index) => {
    const result = windows.add(o, String(from + index));
    if (result.sealed) sealed.push(result.sealed);
  });
  const last = windows.seal();
  if (last) sealed.push(last);
  return sealed;
}

const ranges = (segments: Segment[]) => segments.map((s) => `${s.firstOffset}..${s.nextOffset}`);

describe('PartitionWindows', () => {
  const stream = [
    order('a', 100),
    order('b', 200),
    order('a', 1_100), // seals window 0
    order('b', 900), // late: counted in window 1000
    order('a', 2_050), // seals window 1000
  ];

  it('makes contiguous offset ranges, an order of a later window sealing the open one', () => {
    const segments = segmentsOf(stream);
    assert.deepEqual(ranges(segments), ['0..2', '2..4', '4..5']);
    assert.deepEqual(
      segments.map((s) => s.windowStart),
      [0, 1_000, 2_000],
    );
  });

  it('counts a late order in the open window, per customer, and says it was late', () => {
    const [, second] = segmentsOf(stream);
    assert.equal(second?.customers.get('b')?.orders, 1);
    assert.equal(second?.customers.get('b')?.late, 1);
    assert.equal(second?.customers.get('a')?.late, 0);
  });

  it('makes the same windows when read again from a committed offset', () => {
    const all = segmentsOf(stream);
    const again = segmentsOf(stream.slice(2), 2);
    assert.deepEqual(ranges(again), ranges(all.slice(1)));
    assert.deepEqual(
      again.map((s) => [...s.customers.values()].map((c) => [c.customer, c.orders, c.late])),
      all.slice(1).map((s) => [...s.customers.values()].map((c) => [c.customer, c.orders, c.late])),
    );
  });

  it('gives each customer window its own key, and seals an idle window once it has ended', () => {
    const windows = new PartitionWindows(0, WINDOW);
    const a = windows.add(order('a', 10), '7');
    const b = windows.add(order('b', 20), '8');
    assert.notEqual(a.key, b.key);
    assert.equal(windows.openOrders(), 2);
    assert.equal(windows.sealIfEnded(1_400, 500), undefined);
    const sealed = windows.sealIfEnded(1_500, 500);
    assert.equal(sealed?.nextOffset, '9');
    assert.equal(windows.openOrders(), 0);
  });
});
