import { type Attributes, type SpanContext, SpanKind, type Tracer } from '@opentelemetry/api';
import { type FanInSpan, startFanInSpan } from './fan-in-span';
import type { LinkLimits } from './limits';
import { LinkSet } from './links';
import { ATTR_MESSAGING_DESTINATION_NAME, messagingSpanName } from './semconv';

export const ATTR_FANIN_TRANSACTION_OUTCOME = 'fanin.transaction.outcome';

/** How a transaction ended: `rolled_back` is AMQP's word, `aborted` Kafka's. */
export type TransactionOutcome = 'committed' | 'aborted' | 'rolled_back';

/**
 * The messages sent inside one transaction, for the ONE span that records it
 * when it ends: started at the transaction's start, linked to the creation
 * context of every message sent in it.
 */
export class TransactionRecorder {
  private sent: Array<{ destination: string; creationContext: SpanContext }> = [];
  private startedAt = Date.now();

  record(destination: string, creationContext: SpanContext): void {
    this.sent.push({ destination, creationContext });
  }

  /** Forgets what was sent: a transactional AMQP channel starts its next transaction at once. */
  restart(): void {
    this.sent = [];
    this.startedAt = Date.now();
  }

  /**
   * Starts the transaction span: `transaction {destination}` when every
   * message went to one destination, `transaction` otherwise. An outcome that
   * is not `committed` is a normal end, marked, not an error.
   */
  startSpan(
    tracer: Tracer,
    outcome: TransactionOutcome,
    attributes: Attributes,
    limits: LinkLimits,
  ): FanInSpan {
    const links = new LinkSet();
    for (const { creationContext } of this.sent) links.addContext(creationContext);
    const destinations = new Set(this.sent.map(({ destination }) => destination));
    const destination = destinations.size === 1 ? this.sent[0]?.destination : undefined;
    const spanAttributes: Attributes = { ...attributes, [ATTR_FANIN_TRANSACTION_OUTCOME]: outcome };
    if (destination !== undefined) spanAttributes[ATTR_MESSAGING_DESTINATION_NAME] = destination;
    return startFanInSpan(tracer, {
      name: messagingSpanName('transaction', destination),
      kind: SpanKind.PRODUCER,
      attributes: spanAttributes,
      links,
      limits,
      startTime: this.startedAt,
    });
  }
}
