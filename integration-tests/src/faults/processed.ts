// Which producer each processed message came from, and in which span it was
// processed: the "every processed message's producer is reachable" check.
import { producerKeyOf, reachableLinks } from '@fanin/test-utils';
import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export class ProcessedMessages {
  private readonly byId = new Map<
    string,
    { producer: string | undefined; spanId: string | undefined }
  >();
  /** Every delivery noted, redeliveries included. */
  deliveries = 0;

  /** Notes message `id`, carrying `traceparent`, as processed inside the active span. */
  note(id: string, traceparent: unknown): void {
    this.deliveries++;
    this.byId.set(id, {
      producer: producerKeyOf(traceparent === undefined ? undefined : String(traceparent)),
      spanId: trace.getActiveSpan()?.spanContext().spanId,
    });
  }

  get size(): number {
    return this.byId.size;
  }

  /** Messages whose producer is not reachable from the span they were (last) processed in. */
  unlinked(spans: readonly ReadableSpan[]): string[] {
    const bySpanId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    return [...this.byId]
      .filter(([, { producer, spanId }]) => {
        const span = spanId === undefined ? undefined : bySpanId.get(spanId);
        return !producer || !span || !reachableLinks(span, spans).includes(producer);
      })
      .map(([id]) => id);
  }
}
