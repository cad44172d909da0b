import { trace } from '@opentelemetry/api';
import type { Consumer, Kafka } from 'kafkajs';
import { decode, type OrderTotal, type Topics } from './orders';

/** A total as the downstream service saw it, and the trace it handled it in. */
export interface ReceivedTotal {
  total: OrderTotal;
  traceId: string;
}

const tracer = trace.getTracer('alerting-service');
const ALERT_AMOUNT = 1_000;

/**
 * An alerting service downstream of the aggregator: it consumes
 * `order-totals` with eachMessage, so its spans continue the aggregate's trace.
 */
export class Downstream {
  readonly received: ReceivedTotal[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topics: Topics,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.totals, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const total = decode<OrderTotal>(message.value);
        if (total === undefined) return;
        tracer.startActiveSpan('check spending limit', (span) => {
          span.setAttribute('app.customer', total.customer);
          span.setAttribute('app.alert', total.amount > ALERT_AMOUNT);
          span.end();
        });
        const traceId = trace.getActiveSpan()?.spanContext().traceId ?? '';
        this.received.push({ total, traceId });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
