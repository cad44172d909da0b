import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** `traceId/spanId` of a span or link context. */
export function contextKey(ctx: { traceId: string; spanId: string }): string {
  return `${ctx.traceId}/${ctx.spanId}`;
}

/** `traceId/spanId` of the context in a W3C `traceparent` header, as `contextKey` writes it. */
export function producerKeyOf(traceparent: string | undefined): string | undefined {
  const [, traceId, spanId] = traceparent?.split('-') ?? [];
  return traceId && spanId ? `${traceId}/${spanId}` : undefined;
}

/** The parent span id of a finished span, across SDK versions. */
export function parentSpanId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The direct children of `parent` among `spans`. */
export function childrenOf(parent: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  const { traceId, spanId } = parent.spanContext();
  return spans.filter(
    (span) => span.spanContext().traceId === traceId && parentSpanId(span) === spanId,
  );
}

/**
 * Every link reachable from `span`: its own links and those of its spill
 * spans (children named `{name} links`), as `traceId/spanId` keys in order.
 */
export function reachableLinks(span: ReadableSpan, spans: readonly ReadableSpan[]): string[] {
  const spill = childrenOf(span, spans).filter((child) => child.name === `${span.name} links`);
  return [span, ...spill].flatMap((s) => s.links.map((link) => contextKey(link.context)));
}
