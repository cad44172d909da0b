import { randomUUID } from 'node:crypto';
import { producerKeyOf } from '@fanin/test-utils';
import { SpanKind, trace } from '@opentelemetry/api';
import type { Producer } from 'kafkajs';
import { encode, type Order, type Topics, UPSTREAM_SERVICES, type UpstreamService } from './orders';

export const ATTR_APP_SERVICE = 'app.service';

/** An order as sent: which producer span its message carries. */
export interface ProducedOrder {
  orderId: string;
  service: UpstreamService;
  /** `traceId/spanId` of the producer span whose context is in the message headers. */
  producerKey: string;
}

const tracer = trace.getTracer('upstream-services');

/**
 * Three upstream services (checkout, mobile app, partner API). Each handles
 * requests, one trace per request, and produces an order event keyed by
 * customer to `orders`.
 */
export async function runUpstream(
  producer: Producer,
  topics: Topics,
  options: { rate: number; durationSeconds: number; customers: number },
  produced: ProducedOrder[],
): Promise<void> {
  const intervalMs = (1_000 * UPSTREAM_SERVICES.length) / options.rate;
  const until = Date.now() + options.durationSeconds * 1_000;
  await Promise.all(
    UPSTREAM_SERVICES.map(async (service, index) => {
      let sequence = index;
      while (Date.now() < until) {
        const customer = `customer-${(sequence * 7 + index) % options.customers}`;
        produced.push(await handleRequest(producer, topics, service, customer));
        sequence++;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }),
  );
}

/** One request to an upstream service: its own trace, ending in one order event. */
function handleRequest(
  producer: Producer,
  topics: Topics,
  service: UpstreamService,
  customer: string,
): Promise<ProducedOrder> {
  return tracer.startActiveSpan(
    `POST /orders`,
    { kind: SpanKind.SERVER, root: true, attributes: { [ATTR_APP_SERVICE]: service } },
    async (request) => {
      const order: Order = {
        orderId: randomUUID(),
        customer,
        amount: Math.round(Math.random() * 20_000) / 100,
        service,
        createdAt: Date.now(),
      };
      const message = {
        key: customer,
        value: encode(order),
        headers: {} as Record<string, string>,
      };
      try {
        await producer.send({ topic: topics.orders, messages: [message] });
      } finally {
        request.end();
      }
      const producerKey = producerKeyOf(message.headers.traceparent) ?? '';
      return { orderId: order.orderId, service, producerKey };
    },
  );
}
