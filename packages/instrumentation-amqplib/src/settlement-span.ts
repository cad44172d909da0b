import { collectLinks, messagingSpanName, startFanInSpan, warnOnceIfNoopSpan } from '@fanin/core';
import { SpanKind } from '@opentelemetry/api';
import { deliveryLinkAttributes, operationAttributes } from './attributes';
import type { PendingDelivery } from './deliveries';
import { recordSettlement } from './delivery-span';
import type { AmqpTracingSettings } from './settings';
import type { SettleRequest } from './settle';

/**
 * Records ONE `ack {queue}` / `nack {queue}` settle span for a call that
 * settled several deliveries at once, linked to the producer of each (with
 * its delivery tag and message id on the link), under the caller's context.
 */
export function recordSettlementSpan(
  settings: AmqpTracingSettings,
  channel: unknown,
  request: SettleRequest,
  covered: readonly PendingDelivery[],
): void {
  const queues = new Set(covered.map((delivery) => delivery.queue));
  const queue = queues.size === 1 ? covered[0]?.queue : undefined;
  const links = collectLinks(covered, {
    headers: (delivery) => delivery.message.properties?.headers,
    linkAttributes: (delivery) => deliveryLinkAttributes(delivery.message),
  });
  const fanIn = startFanInSpan(settings.tracer, {
    name: messagingSpanName(request.kind, queue),
    kind: SpanKind.CLIENT,
    attributes: operationAttributes(settings.names, 'settle', request.kind, queue, channel),
    links,
    limits: settings.limits,
  });
  warnOnceIfNoopSpan(fanIn.span);
  recordSettlement(fanIn.span, request.kind, { requeue: request.requeue, multiple: true });
  fanIn.end();
}
