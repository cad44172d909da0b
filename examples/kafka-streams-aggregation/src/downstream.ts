import { producerKeyOf } from '@fanin/test-utils';
import { trace } from '@opentelemetry/api';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { decode, type OrderTotal, type Topics } from './orders';

/** A total as the downstream service saw it, and the trace it handled it in. */
export interface ReceivedTotal {
  total: OrderTotal;
  traceId: string;
  /** `traceId/spanId` of the send span whose context the result carried (inside its aggregate). */
  sendKey: string;
}

const tracer = trace.getTracer('alerting-service');
const ALERT_AMOUNT = 1_000;

/**
 * An alerting service downstream of the aggregator: it consumes
 * `order-totals` with eachMessage, so its spans continue the aggregate's trace.
 */
export class Downstream {
  readonly received: ReceivedTotal[] = [];
  private readonly markers = new Set<string>();
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topics: Topics,
    groupId: string,
  ) {
    // read_committed: results of an aborted transaction are never seen.
    this.consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.totals, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const sendKey = producerKeyOf(message.headers?.traceparent?.toString()) ?? '';
        const total = decode<OrderTotal & { marker?: string }>(message.value);
        if (total?.marker !== undefined) this.markers.add(total.marker);
        if (total === undefined || total.marker !== undefined) return;
        tracer.startActiveSpan('check spending limit', (span) => {
          span.setAttribute('app.customer', total.customer);
          span.setAttribute('app.alert', total.amount > ALERT_AMOUNT);
          span.end();
        });
        const traceId = trace.getActiveSpan()?.spanContext().traceId ?? '';
        this.received.push({ total, traceId, sendKey });
      },
    });
  }

  /**
   * Produces a marker after every result sent so far and waits until it is
   * read: with read_committed, every committed result before it has been read
   * (and every aborted one skipped).
   */
  async readToEnd(producer: Producer, marker: string, timeoutMs: number): Promise<void> {
    await producer.send({
      topic: this.topics.totals,
      messages: [{ value: JSON.stringify({ marker }) }],
    });
    const deadline = Date.now() + timeoutMs;
    while (!this.markers.has(marker)) {
      if (Date.now() > deadline) throw new Error('downstream did not read order-totals to its end');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
