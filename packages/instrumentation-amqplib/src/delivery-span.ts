import {
  ATTR_ERROR_TYPE,
  ATTR_FANIN_SETTLEMENT,
  ATTR_FANIN_SETTLEMENT_MULTIPLE,
  ATTR_FANIN_SETTLEMENT_REQUEUE,
  callHook,
  type MessageSpan,
  messagingSpanName,
  recordError,
  startMessageSpan,
  warnOnceIfNoopSpan,
} from '@fanin/core';
import { diag, ROOT_CONTEXT, type Span, SpanStatusCode } from '@opentelemetry/api';
import { deliverySpanAttributes } from './attributes';
import type { PendingDelivery } from './deliveries';
import type { AmqpTracingSettings } from './settings';
import type { AmqpMessage, Settlement } from './types';

/**
 * Starts the `process {queue}` span of one delivery, linked to its producer
 * and, with `parent+link`, parented to it. With `link-only` it starts a new
 * trace: a delivery arrives on the connection's socket, whose async context is
 * wherever the connection happened to be opened, not a parent to inherit.
 */
export function startDeliverySpan(
  settings: AmqpTracingSettings,
  channel: unknown,
  queue: string,
  message: AmqpMessage,
): MessageSpan | undefined {
  try {
    const started = startMessageSpan(settings.tracer, {
      name: messagingSpanName('process', queue),
      attributes: deliverySpanAttributes(settings.names, channel, queue, message),
      headers: message.properties?.headers,
      mode: settings.config.messageContext ?? 'parent+link',
      parentContext: ROOT_CONTEXT,
    });
    warnOnceIfNoopSpan(started.span);
    callHook('consumeHook', settings.config.consumeHook, started.span, { queue, message });
    return started;
  } catch (error) {
    diag.error('fanin: could not start the delivery span; the message runs untraced', error);
    return undefined;
  }
}

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

/** Says on a delivery's span how it was settled, calls the end hook, and ends it. Never throws. */
export function endDeliverySpan(
  delivery: PendingDelivery,
  settlement: Settlement,
  details: SettlementDetails = {},
): void {
  const { span, settings } = delivery;
  try {
    recordSettlement(span, settlement, details);
    if (settlement === 'channel_error' && details.error !== delivery.callbackError) {
      recordError(span, details.error);
    }
    callHook('consumeEndHook', settings.config.consumeEndHook, span, {
      queue: delivery.queue,
      message: delivery.message,
      settlement,
      requeue: details.requeue,
    });
  } catch (error) {
    diag.debug('fanin: could not record the settlement of a delivery', error);
  }
  try {
    span.end();
  } catch (error) {
    diag.debug('fanin: could not end the span of a delivery', error);
  }
}

/** Settlement attributes and status, shared by delivery spans and settle spans. */
export function recordSettlement(
  span: Span,
  settlement: Settlement,
  details: SettlementDetails,
): void {
  recordSettlementAttributes(span, settlement, details);
  const message = STATUS_MESSAGES[settlement];
  if (message !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.setAttribute(ATTR_ERROR_TYPE, settlement);
  }
}

export function recordSettlementAttributes(
  span: Span,
  settlement: Settlement,
  details: SettlementDetails,
): void {
  span.setAttribute(ATTR_FANIN_SETTLEMENT, settlement);
  if (details.requeue !== undefined)
    span.setAttribute(ATTR_FANIN_SETTLEMENT_REQUEUE, details.requeue);
  if (details.multiple) span.setAttribute(ATTR_FANIN_SETTLEMENT_MULTIPLE, true);
}
