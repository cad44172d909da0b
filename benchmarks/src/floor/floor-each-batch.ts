import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { EachBatchHandler, KafkaMessage } from 'kafkajs';
import { headerText, parseTraceparent, producerKey } from './parse-traceparent';

export interface FloorOptions {
  /** Whether each link carries `messaging.kafka.offset` (`floor`) or nothing (`floor-bare`). */
  linkAttributes: boolean;
}

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
  return async (payload) => {
    const { batch } = payload;
    const span = tracer.startSpan(`process ${batch.topic}`, { kind: SpanKind.CONSUMER });
    if (span.isRecording()) linkProducers(span, batch.messages, options.linkAttributes);
    try {
      await context.with(trace.setSpan(context.active(), span), handler, undefined, payload);
    } finally {
      span.end();
    }
  };
}

function linkProducers(span: Span, messages: KafkaMessage[], withAttributes: boolean): void {
  const seen = new Set<string>();
  for (const message of messages) {
    const text = headerText(message.headers?.traceparent);
    if (text === undefined) continue;
    const producer = parseTraceparent(text);
    if (producer === undefined) continue;
    const key = producerKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    span.addLink(
      withAttributes
        ? { context: producer, attributes: { 'messaging.kafka.offset': Number(message.offset) } }
        : { context: producer },
    );
  }
}
