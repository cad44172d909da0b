import { type Attributes, diag, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { checkRecordingSetup } from './diagnostics';
import { startFanInSpan } from './fan-in-span';
import { collectLinks } from './links';
import type { MessageReader } from './message-reader';
import { operationAttributes } from './operation';
import { recordError } from './run-in-span';
import {
  ATTR_ERROR_TYPE,
  ATTR_FANIN_SETTLEMENT,
  ATTR_FANIN_SETTLEMENT_MULTIPLE,
  ATTR_FANIN_SETTLEMENT_REQUEUE,
  messagingSpanName,
} from './semconv';
import type { TracingSettings } from './settings';

/** How a message, or several, left the consumer. */
export type Settlement =
  | 'ack'
  | 'nack'
  | 'reject'
  | 'auto_ack'
  | 'channel_closed'
  | 'channel_error'
  | 'timeout'
  | 'instrumentation_disabled';

export interface SettlementDetails {
  /** With `nack` / `reject`: whether the broker requeues. */
  requeue?: boolean;
  /** Settled by one multiple-message ack or nack. */
  multiple?: boolean;
  /** With `channel_error`: what the channel reported. */
  error?: unknown;
}

const STATUS_MESSAGES: Partial<Record<Settlement, string>> = {
  nack: 'the consumer nacked the message',
  reject: 'the consumer rejected the message',
  channel_closed: 'the channel closed before the message was settled',
};

/** The settlement attributes alone: how, requeued or not, one call for several or not. */
export function recordSettlementAttributes(
  span: Span,
  settlement: Settlement,
  details: SettlementDetails,
): void {
  if (details.requeue === undefined && !details.multiple) {
    span.setAttribute(ATTR_FANIN_SETTLEMENT, settlement);
    return;
  }
  const attributes: Attributes = { [ATTR_FANIN_SETTLEMENT]: settlement };
  if (details.requeue !== undefined) attributes[ATTR_FANIN_SETTLEMENT_REQUEUE] = details.requeue;
  if (details.multiple) attributes[ATTR_FANIN_SETTLEMENT_MULTIPLE] = true;
  span.setAttributes(attributes);
}

/**
 * Says on a span how its message(s) were settled. A nack, a reject or a
 * channel that closed first is an ERROR status (`error.type` the settlement);
 * a channel error is recorded as the exception the channel reported.
 */
export function recordSettlement(
  span: Span,
  settlement: Settlement,
  details: SettlementDetails,
): void {
  try {
    recordSettlementAttributes(span, settlement, details);
    const message = STATUS_MESSAGES[settlement];
    if (message !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      span.setAttribute(ATTR_ERROR_TYPE, settlement);
    }
  } catch (error) {
    diag.debug('fanin: could not record a settlement', error);
  }
  if (settlement === 'channel_error' && details.error !== undefined) {
    recordError(span, details.error);
  }
}

/** One call that settled several messages at once, as the adapter describes it. */
export interface SettlementDescription<M> {
  /** The queue the messages came from, when they share one. */
  destination: string | undefined;
  /** `ack` or `nack`: names the span `{settlement} {destination}`. */
  settlement: Extract<Settlement, 'ack' | 'nack' | 'reject'>;
  details: SettlementDetails;
  messages: readonly M[];
  reader: Pick<MessageReader<M>, 'headers' | 'linkAttributes'>;
  /** The library's own attributes (broker address). */
  attributes?: Attributes;
}

/**
 * Records ONE settle span (kind CLIENT) for a call that settled several
 * messages, linked to the producer of each, under the caller's context; it
 * starts and ends at once. Never throws.
 */
export function recordSettlementSpan<M>(
  settings: TracingSettings,
  description: SettlementDescription<M>,
): void {
  try {
    const { destination, settlement } = description;
    const attributes = operationAttributes(settings, 'settle', settlement, destination);
    if (description.attributes !== undefined) Object.assign(attributes, description.attributes);
    const fanIn = startFanInSpan(settings.tracer, {
      name: messagingSpanName(settlement, destination),
      kind: SpanKind.CLIENT,
      attributes,
      links: () => collectLinks(description.messages, description.reader, settings.links),
      limits: settings.limits,
    });
    checkRecordingSetup(fanIn.span);
    recordSettlement(fanIn.span, settlement, { ...description.details, multiple: true });
    fanIn.end();
  } catch (error) {
    diag.error('fanin: could not record the settle span', error);
  }
}
