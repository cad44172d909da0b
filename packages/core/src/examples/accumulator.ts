// Fan-in across batches: ONE aggregate span linked to every order of a window.
import { FanInAccumulator } from '@fanin/core';

export async function emitWindow(orders: { customer: string; headers: Record<string, unknown> }[]) {
  const contributors = new FanInAccumulator<string>({ maxContextsPerKey: 10_000 });
  for (const order of orders) {
    contributors.add(`customer-${order.customer}|window-1`, order.headers, {
      'app.order.customer': order.customer,
    });
  }
  for (const key of contributors.keys()) {
    await contributors.emit(key, { name: 'aggregate order-totals' }, async (aggregate) => {
      // Send the result here: it carries the aggregate span's context.
      return aggregate.span.spanContext().traceId;
    });
  }
}
