import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  type TimeInput,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isDatadogBridgeSpan, isDatadogBridgeTracerProvider } from './datadog-bridge';
import { chunkLinks, DATADOG_CHARACTERS, type LinkChunks, type LinkLimits } from './limits';
import { samplerNeedsLinks } from './link-aware-sampler';
import type { LinkSet } from './links';
import type { LinkTotals } from './metrics';
import { endAll, endSpan, type OpenSpan, openSpan } from './open-span';
import {
  ATTR_FANIN_CONTEXT_COUNT,
  ATTR_FANIN_LINKS_DROPPED,
  ATTR_FANIN_LINKS_KEPT,
  ATTR_FANIN_LINKS_SPILLED,
  ATTR_FANIN_MESSAGES_INVALID_CONTEXT,
  ATTR_FANIN_MESSAGES_UNSAMPLED_CONTEXT,
  ATTR_FANIN_MESSAGES_WITHOUT_CONTEXT,
  ATTR_FANIN_SPILL_INDEX,
  ATTR_FANIN_SPILL_SPANS,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
} from './semconv';

export interface FanInSpanOptions {
  /** Span name, e.g. `process orders`. Spill spans are named `{name} links`. */
  name: string;
  /** Span kind; CONSUMER by default. */
  kind?: SpanKind;
  /** Attributes set at start (messaging.*); the totals are added by this function. */
  attributes: Attributes;
  /**
   * The links, or what collects them: called only when the span records
   * (or, when a sampler decides on links, before the span starts).
   */
  links: LinkSet | (() => LinkSet);
  limits: LinkLimits;
  /** Parent context; the active context by default. */
  parentContext?: Context;
  startTime?: TimeInput;
}

/** A started fan-in span, with the spill spans that carry its overflow links. */
export interface FanInSpan extends OpenSpan {
  spillSpans: Span[];
  /** What its links came to; undefined when the span does not record (no link was built). */
  totals: LinkTotals | undefined;
}

/**
 * Starts ONE span linked to every producer context of `links`. The links
 * that do not fit the span's budget (`maxLinksPerSpan`, and under a tracer
 * with a size limit, what it encodes) spill onto child spans, each within the
 * budget, or are dropped, per `limits.overflow`; the span records the totals
 * either way. A span the sampler drops costs no link at all: its links are
 * collected only once it records, unless a sampler must see them first.
 * If anything fails part way, what was started is ended before the error
 * goes on.
 */
export function startFanInSpan(tracer: Tracer, options: FanInSpanOptions): FanInSpan {
  const parentContext = options.parentContext ?? context.active();
  const linksFirst = samplerNeedsLinks();
  if (linksFirst) {
    const links = collect(options.links);
    const chunks = chunk(links, options.limits, undefined);
    const span = tracer.startSpan(
      options.name,
      {
        kind: options.kind ?? SpanKind.CONSUMER,
        attributes: { ...options.attributes, ...totals(links, chunks) },
        links: chunks.kept,
        ...(options.startTime !== undefined && { startTime: options.startTime }),
      },
      parentContext,
    );
    return withSpillSpans(tracer, options, span, parentContext, links, chunks);
  }
  const span = tracer.startSpan(
    options.name,
    {
      kind: options.kind ?? SpanKind.CONSUMER,
      attributes: options.attributes,
      ...(options.startTime !== undefined && { startTime: options.startTime }),
    },
    parentContext,
  );
  if (!span.isRecording()) {
    return {
      ...openSpan(span, trace.setSpan(parentContext, span)),
      spillSpans: [],
      totals: undefined,
    };
  }
  let links: LinkSet;
  let chunks: LinkChunks;
  try {
    links = collect(options.links);
    chunks = chunk(links, options.limits, span);
    span.addLinks(chunks.kept);
    span.setAttributes(totals(links, chunks));
  } catch (error) {
    endSpan(span);
    throw error;
  }
  return withSpillSpans(tracer, options, span, parentContext, links, chunks);
}

function collect(links: LinkSet | (() => LinkSet)): LinkSet {
  return typeof links === 'function' ? links() : links;
}

/** Whether the links of `span` (or, before it exists, of the global provider's spans) are sized as Datadog's tracer encodes them. */
function sizedForDatadog(limits: LinkLimits, span: Span | undefined): boolean {
  if (limits.budget === 'datadog') return true;
  if (limits.budget !== 'auto') return false;
  return span !== undefined ? isDatadogBridgeSpan(span) : isDatadogBridgeTracerProvider();
}

function chunk(links: LinkSet, limits: LinkLimits, span: Span | undefined): LinkChunks {
  const characters = sizedForDatadog(limits, span) ? DATADOG_CHARACTERS : undefined;
  return chunkLinks(links.links(), limits, characters);
}

function totals(links: LinkSet, chunks: LinkChunks): Attributes {
  const spilled = chunks.spill.reduce((sum, spill) => sum + spill.length, 0);
  return {
    [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: links.messageCount,
    [ATTR_FANIN_CONTEXT_COUNT]: links.contextCount,
    [ATTR_FANIN_LINKS_KEPT]: chunks.kept.length,
    [ATTR_FANIN_LINKS_SPILLED]: spilled,
    [ATTR_FANIN_LINKS_DROPPED]: chunks.dropped,
    [ATTR_FANIN_SPILL_SPANS]: chunks.spill.length,
    [ATTR_FANIN_MESSAGES_WITHOUT_CONTEXT]: links.withoutContext,
    [ATTR_FANIN_MESSAGES_INVALID_CONTEXT]: links.invalidContext,
    [ATTR_FANIN_MESSAGES_UNSAMPLED_CONTEXT]: links.unsampledContext,
  };
}

function withSpillSpans(
  tracer: Tracer,
  options: FanInSpanOptions,
  span: Span,
  parentContext: Context,
  links: LinkSet,
  chunks: LinkChunks,
): FanInSpan {
  const spanContext = trace.setSpan(parentContext, span);
  const spillSpans: Span[] = [];
  try {
    for (const links of chunks.spill) {
      spillSpans.push(startSpillSpan(tracer, options, links, spillSpans.length + 1, spanContext));
    }
  } catch (error) {
    endAll(spillSpans);
    endSpan(span);
    throw error;
  }
  return {
    ...openSpan(span, spanContext, spillSpans),
    spillSpans,
    totals: {
      messages: links.messageCount,
      producers: links.contextCount,
      spilled: chunks.spill.reduce((sum, spill) => sum + spill.length, 0),
      dropped: chunks.dropped,
      withoutContext: links.withoutContext,
    },
  };
}

/**
 * A child span carrying links that did not fit. Its links are added after it
 * started (the SDK then checks their attributes once, not twice), unless a
 * sampler decides on links.
 */
function startSpillSpan(
  tracer: Tracer,
  options: FanInSpanOptions,
  links: Link[],
  index: number,
  parent: Context,
): Span {
  const atStart = samplerNeedsLinks();
  const span = tracer.startSpan(
    `${options.name} links`,
    {
      kind: SpanKind.INTERNAL,
      ...(atStart && { links }),
      attributes: { [ATTR_FANIN_SPILL_INDEX]: index, [ATTR_FANIN_LINKS_KEPT]: links.length },
      ...(options.startTime !== undefined && { startTime: options.startTime }),
    },
    parent,
  );
  if (!atStart) span.addLinks(links);
  return span;
}
