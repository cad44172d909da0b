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
import type { LinkLimits } from './limits';
import type { LinkSet } from './links';
import { endAll, type OpenSpan, openSpan } from './open-span';
import {
  ATTR_FANIN_CONTEXT_COUNT,
  ATTR_FANIN_LINKS_DROPPED,
  ATTR_FANIN_LINKS_KEPT,
  ATTR_FANIN_LINKS_SPILLED,
  ATTR_FANIN_MESSAGES_INVALID_CONTEXT,
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
  links: LinkSet;
  limits: LinkLimits;
  /** Parent context; the active context by default. */
  parentContext?: Context;
  startTime?: TimeInput;
}

/** A started fan-in span, with the spill spans that carry its overflow links. */
export interface FanInSpan extends OpenSpan {
  spillSpans: Span[];
}

/**
 * Starts ONE span linked to every producer context of `links`. Links past
 * `limits.maxLinksPerSpan` spill onto child spans (each within the cap) or
 * are dropped, per `limits.overflow`; the span records the totals either way.
 * If starting a spill span fails, what was started is ended before the error
 * goes on.
 */
export function startFanInSpan(tracer: Tracer, options: FanInSpanOptions): FanInSpan {
  const { links: linkSet, limits } = options;
  const allLinks = linkSet.links();
  const kept =
    allLinks.length > limits.maxLinksPerSpan ? allLinks.slice(0, limits.maxLinksPerSpan) : allLinks;
  const overflowLinks = allLinks.length > kept.length ? allLinks.slice(kept.length) : [];
  const spill = limits.overflow === 'spill' ? overflowLinks : [];

  const attributes: Attributes = {
    ...options.attributes,
    [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: linkSet.messageCount,
    [ATTR_FANIN_CONTEXT_COUNT]: linkSet.contextCount,
    [ATTR_FANIN_LINKS_KEPT]: kept.length,
    [ATTR_FANIN_LINKS_SPILLED]: spill.length,
    [ATTR_FANIN_LINKS_DROPPED]: overflowLinks.length - spill.length,
    [ATTR_FANIN_SPILL_SPANS]: Math.ceil(spill.length / limits.maxLinksPerSpan),
    [ATTR_FANIN_MESSAGES_WITHOUT_CONTEXT]: linkSet.withoutContext,
    [ATTR_FANIN_MESSAGES_INVALID_CONTEXT]: linkSet.invalidContext,
  };
  const parentContext = options.parentContext ?? context.active();
  const span = tracer.startSpan(
    options.name,
    {
      kind: options.kind ?? SpanKind.CONSUMER,
      attributes,
      links: kept,
      ...(options.startTime !== undefined && { startTime: options.startTime }),
    },
    parentContext,
  );
  const spanContext = trace.setSpan(parentContext, span);
  const spillSpans: Span[] = [];
  try {
    startSpillSpans(tracer, options, spill, spanContext, spillSpans);
  } catch (error) {
    endAll(spillSpans);
    endAll([span]);
    throw error;
  }
  return { ...openSpan(span, spanContext, spillSpans), spillSpans };
}

function startSpillSpans(
  tracer: Tracer,
  options: FanInSpanOptions,
  spill: Link[],
  parent: Context,
  into: Span[],
): void {
  const size = options.limits.maxLinksPerSpan;
  for (let first = 0; first < spill.length; first += size) {
    const chunk = spill.slice(first, first + size);
    into.push(
      tracer.startSpan(
        `${options.name} links`,
        {
          kind: SpanKind.INTERNAL,
          links: chunk,
          attributes: {
            [ATTR_FANIN_SPILL_INDEX]: into.length + 1,
            [ATTR_FANIN_LINKS_KEPT]: chunk.length,
          },
          ...(options.startTime !== undefined && { startTime: options.startTime }),
        },
        parent,
      ),
    );
  }
}
