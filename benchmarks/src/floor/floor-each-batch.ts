import { context, SpanKind, trace } from '@opentelemetry/api';
import type { EachBatchHandler, KafkaMessage } from 'kafkajs';
import { type FloorMessageReader, linkProducers } from './link-producers';

export interface FloorOptions {
  /** Whether each link carries `messaging.kafka.offset` (`floor`) or nothing (`floor-bare`). */
  linkAttributes: boolean;
}

const traceparentOf = (message: KafkaMessage): unknown => message.headers?.traceparent;
const WITH_OFFSET: FloorMessageReader<KafkaMessage> = {
  traceparent: traceparentOf,
  linkAttributes: (message) => ({ 'messaging.kafka.offset': Number(message.offset) }),
};
const BARE: FloorMessageReader<KafkaMessage> = {
  traceparent: traceparentOf,
  linkAttributes: () => undefined,
};

/**
 * The reference fan-in: the least a hand-written eachBatch wrapper on the
 * stock SDK does, with no fanin code. Each call starts one CONSUMER span
 * `process <topic>`, links it once to every distinct producer (parsed from
 * the W3C `traceparent` header by hand, de-duplicated by trace and span id),
 * runs the handler in the span's context and ends the span when the handler
 * settles. A span that will not record (sampled out) gets no links: nothing
 * is parsed for it, as the SDK would ignore its links anyway.
 */
export function floorEachBatch(handler: EachBatchHandler, options: FloorOptions): EachBatchHandler {
  const tracer = trace.getTracer('fanin-benchmarks-floor');
  const reader = options.linkAttributes ? WITH_OFFSET : BARE;
  return async (payload) => {
    const { batch } = payload;
    const span = tracer.startSpan(`process ${batch.topic}`, { kind: SpanKind.CONSUMER });
    if (span.isRecording()) linkProducers(span, batch.messages, reader);
    try {
      await context.with(trace.setSpan(context.active(), span), handler, undefined, payload);
    } finally {
      span.end();
    }
  };
}
