import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import { type FloorMessageReader, linkProducers } from './link-producers';

const READER: FloorMessageReader<ConsumeMessage> = {
  traceparent: (message) => message.properties.headers?.traceparent,
  linkAttributes: (message) => ({
    'messaging.rabbitmq.message.delivery_tag': message.fields.deliveryTag,
  }),
};

/**
 * The reference fan-in of a hand-written amqplib batch: each batch runs in
 * one CONSUMER span `process <queue>` linked once to every distinct producer
 * (the W3C `traceparent` header parsed by hand), each link with the delivery
 * tag of the producer's first message; the span ends when the handler
 * settles. No fanin code.
 */
export function floorAmqpBatch(
  queue: string,
  handler: (messages: ConsumeMessage[]) => Promise<void>,
): (messages: ConsumeMessage[]) => Promise<void> {
  const tracer = trace.getTracer('fanin-benchmarks-floor');
  return async (messages) => {
    const span = tracer.startSpan(`process ${queue}`, { kind: SpanKind.CONSUMER });
    if (span.isRecording()) linkProducers(span, messages, READER);
    try {
      await context.with(trace.setSpan(context.active(), span), handler, undefined, messages);
    } finally {
      span.end();
    }
  };
}
