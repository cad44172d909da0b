import { type Attributes, diag, type SpanContext, SpanKind } from '@opentelemetry/api';
import { checkRecordingSetup } from './diagnostics';
import { type FanInSpan, startFanInSpan } from './fan-in-span';
import { LinkSet } from './links';
import { operationAttributes } from './operation';
import { runInSpan } from './run-in-span';
import {
  ATTR_FANIN_TRANSACTION_OUTCOME,
  ATTR_MESSAGING_DESTINATION_NAME,
  messagingSpanName,
} from './semconv';
import type { TracingSettings } from './settings';
import type { SentMessage } from './trace-send';

/** How a transaction ended: `rolled_back` is AMQP's word, `aborted` Kafka's. */
export type TransactionOutcome = 'committed' | 'aborted' | 'rolled_back';

/**
 * The messages sent inside one transaction, for the ONE span that records it
 * when it ends: started at the transaction's start, linked to the creation
 * context of every message sent in it.
 */
export class TransactionRecorder {
  private sent: Array<{ destination: string | undefined; creationContext: SpanContext }> = [];
  private startedAt = Date.now();

  record(destination: string | undefined, creationContext: SpanContext): void {
    this.sent.push({ destination, creationContext });
  }

  /** Records what one traced send call sent. */
  readonly recordSent = (messages: readonly SentMessage[]): void => {
    for (const { destination, creationContext } of messages)
      this.record(destination, creationContext);
  };

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
    settings: TracingSettings,
    outcome: TransactionOutcome,
    operationName: string,
    attributes?: Attributes,
  ): FanInSpan {
    const links = new LinkSet(settings.links);
    for (const { creationContext } of this.sent) links.addContext(creationContext);
    const destinations = new Set(this.sent.map(({ destination }) => destination));
    const destination = destinations.size === 1 ? this.sent[0]?.destination : undefined;
    const spanAttributes = operationAttributes(settings, 'send', operationName, undefined);
    Object.assign(spanAttributes, attributes, { [ATTR_FANIN_TRANSACTION_OUTCOME]: outcome });
    if (destination !== undefined) spanAttributes[ATTR_MESSAGING_DESTINATION_NAME] = destination;
    return startFanInSpan(settings.tracer, {
      name: messagingSpanName('transaction', destination),
      kind: SpanKind.PRODUCER,
      attributes: spanAttributes,
      links,
      limits: settings.limits,
      startTime: this.startedAt,
    });
  }
}

/** The end of a transaction (commit, abort, rollback), as the adapter describes it. */
export interface TransactionEnd {
  recorder: TransactionRecorder;
  outcome: TransactionOutcome;
  /** `send` (Kafka), `commit` or `rollback` (AMQP). */
  operationName: string;
  /** The library's own attributes (offsets committed with it, broker address). */
  attributes?: Attributes;
}

/**
 * Runs `end` (the commit, abort or rollback call) inside the transaction's
 * span, which ends when it settles; a failed commit is ERROR and its error is
 * handed back unchanged. Without settings it runs untraced.
 */
export function traceTransactionEnd<R>(
  settings: TracingSettings | undefined,
  transaction: TransactionEnd,
  end: () => R,
): R {
  let fanIn: FanInSpan | undefined;
  if (settings !== undefined) {
    try {
      fanIn = transaction.recorder.startSpan(
        settings,
        transaction.outcome,
        transaction.operationName,
        transaction.attributes,
      );
      checkRecordingSetup(fanIn.span);
    } catch (error) {
      diag.error('fanin: could not record the transaction span', error);
    }
  }
  if (fanIn === undefined) return end();
  return runInSpan(fanIn.span, fanIn.context, end, fanIn.end);
}
