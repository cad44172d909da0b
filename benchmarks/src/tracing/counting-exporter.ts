import { TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * An exporter that only counts what reaches it: spans, the links they carry,
 * and the links to producers whose context says sampled (the synthetic
 * producers are each in a trace of their own, so that is also the number of
 * sampled producer traces linked).
 */
export class CountingExporter implements SpanExporter {
  spans = 0;
  links = 0;
  sampledLinks = 0;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.spans += spans.length;
    for (const span of spans) {
      this.links += span.links.length;
      for (const link of span.links) {
        if (link.context.traceFlags & TraceFlags.SAMPLED) this.sampledLinks++;
      }
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}
