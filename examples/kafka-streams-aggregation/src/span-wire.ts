import { type Attributes, type Link, type SpanContext, SpanKind } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * A finished span as an aggregator process sends it to the demo over its IPC
 * channel (JSON): what the verdict, the picture and the HTML page read.
 */
export interface WireSpan {
  name: string;
  kind: SpanKind;
  context: SpanContext;
  parent: SpanContext | undefined;
  attributes: Attributes;
  links: Link[];
  startTime: [number, number];
  endTime: [number, number];
  status: ReadableSpan['status'];
  resource: Attributes;
  scope: string;
}

export function toWire(span: ReadableSpan): WireSpan {
  return {
    name: span.name,
    kind: span.kind,
    context: span.spanContext(),
    parent: span.parentSpanContext,
    attributes: span.attributes,
    links: span.links.map(({ context, attributes }) => ({ context, attributes })),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    resource: span.resource.attributes as Attributes,
    scope: span.instrumentationScope.name,
  };
}

export function fromWire(wire: WireSpan): ReadableSpan {
  const [seconds, nanos] = [
    wire.endTime[0] - wire.startTime[0],
    wire.endTime[1] - wire.startTime[1],
  ];
  return {
    name: wire.name,
    kind: wire.kind ?? SpanKind.INTERNAL,
    spanContext: () => wire.context,
    parentSpanContext: wire.parent,
    attributes: wire.attributes,
    links: wire.links,
    startTime: wire.startTime,
    endTime: wire.endTime,
    duration: nanos < 0 ? [seconds - 1, nanos + 1e9] : [seconds, nanos],
    status: wire.status,
    events: [],
    ended: true,
    resource: resourceFromAttributes(wire.resource),
    instrumentationScope: { name: wire.scope },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** A message of the IPC protocol between the demo and an aggregator process. */
export type ChildMessage =
  | { type: 'spans'; spans: WireSpan[] }
  | { type: 'stats'; stats: import('./aggregator').AggregatorStats; pid: number }
  | { type: 'started'; pid: number };

/**
 * Sends each finished span to the parent process; the export completes when
 * the channel has taken the message, so `forceFlush()` before a commit means
 * the committed aggregate's span has left the process.
 */
export class IpcSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const message: ChildMessage = { type: 'spans', spans: spans.map(toWire) };
    if (!process.send) {
      done({ code: ExportResultCode.FAILED, error: new Error('no IPC channel to the demo') });
      return;
    }
    process.send(message, undefined, {}, (error) =>
      done(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS }),
    );
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}
