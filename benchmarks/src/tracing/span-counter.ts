import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Counts spans as they start and end, ahead of the BatchSpanProcessor: what
 * ended but never reached the exporter was dropped by its full queue.
 */
export class SpanCounter implements SpanProcessor {
  started = 0;
  ended = 0;

  onStart(_span: Span): void {
    this.started++;
  }

  onEnd(): void {
    this.ended++;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
