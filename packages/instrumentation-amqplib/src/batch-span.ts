import {
  ATTR_FANIN_MESSAGES_REDELIVERED,
  callHook,
  collectLinks,
  type FanInSpan,
  messagingSpanName,
  recordError,
  startFanInSpan,
  warnOnceIfNoopSpan,
  withMessageSpans,
} from '@fanin/core';
import { diag, ROOT_CONTEXT, type Span, SpanKind } from '@opentelemetry/api';
import { deliveryLinkAttributes, deliverySpanAttributes, operationAttributes } from './attributes';
import {
  recordSettlement,
  recordSettlementAttributes,
  type SettlementDetails,
} from './delivery-span';
import type { AmqpTracingSettings } from './settings';
import type { AmqpMessage, Settlement } from './types';

/**
 * Starts the ONE `process {queue}` span of a `consumeBatch` batch, linked to
 * the producer of every message (message id, delivery tag and redelivery on
 * each link), with core's cap and overflow rules. Each batch starts a new
 * trace: the handler is called from the connection's socket or a timer,
 * whose async context is not a parent to inherit.
 */
export function startBatchSpan(
  settings: AmqpTracingSettings,
  channel: unknown,
  queue: string,
  messages: readonly AmqpMessage[],
): FanInSpan | undefined {
  try {
    const attributes = operationAttributes(settings.names, 'process', 'process', queue, channel);
    attributes[ATTR_FANIN_MESSAGES_REDELIVERED] = messages.filter(
      (message) => message.fields?.redelivered === true,
    ).length;
    const name = messagingSpanName('process', queue);
    const fanIn = startFanInSpan(settings.tracer, {
      name,
      kind: SpanKind.CONSUMER,
      attributes,
      links: collectLinks(messages, {
        headers: (message) => message.properties?.headers,
        linkAttributes: deliveryLinkAttributes,
      }),
      limits: settings.limits,
      parentContext: ROOT_CONTEXT,
    });
    warnOnceIfNoopSpan(fanIn.span);
    callHook('batchHook', settings.config.batchHook, fanIn.span, { queue, messages });
    if (!settings.config.perMessageSpans) return fanIn;
    return withMessageSpans(settings.tracer, fanIn, name, messages, {
      headers: (message) => message.properties?.headers,
      attributes: (message) => deliverySpanAttributes(settings.names, channel, queue, message),
      onStart: (span, message) =>
        callHook('consumeHook', settings.config.consumeHook, span, { queue, message }),
    });
  } catch (error) {
    diag.error('fanin: could not start the batch span; the batch runs untraced', error);
    return undefined;
  }
}

/** How a batch was settled, as `consumeBatch` reports it to its span. */
export interface BatchOutcome extends SettlementDetails {
  settlement: Extract<Settlement, 'ack' | 'nack' | 'channel_closed'>;
}

/**
 * Says on the batch span how the batch was settled. A failed handler already
 * set the span's status (its own error); a batch the channel's closing kept
 * from being acked says so, with the error the ack met, if any.
 */
export function recordBatchOutcome(span: Span, outcome: BatchOutcome): void {
  try {
    if (outcome.settlement !== 'channel_closed') {
      recordSettlementAttributes(span, outcome.settlement, outcome);
      return;
    }
    recordSettlement(span, outcome.settlement, outcome);
    if (outcome.error !== undefined) recordError(span, outcome.error);
  } catch (error) {
    diag.debug('fanin: could not record how a batch was settled', error);
  }
}
