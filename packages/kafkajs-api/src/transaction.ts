import {
  type SentMessage,
  type SettingsSource,
  TransactionRecorder,
  traceTransactionEnd,
} from '@fanin/core/adapter';
import type { Producer, TopicOffsets, Transaction } from './api';
import type { KafkaTracingSettings } from './config';
import { traceSenders } from './senders';

export const ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS = 'fanin.transaction.offset_partitions';

/** What one transaction has sent and committed offsets for, until it ends. */
class OpenTransaction {
  readonly recorder = new TransactionRecorder();
  offsetPartitions = 0;
}

type Ends = Pick<Transaction, 'sendOffsets' | 'commit' | 'abort'>;

/**
 * Wraps `sendOffsets`, `commit` and `abort` of `target`: `commit` / `abort`
 * record ONE transaction span, from the transaction's start, linked to the
 * creation context of every message sent inside it. A commit that fails is
 * ERROR; an abort is not an error, only marked so. Without an open
 * transaction (`current()` undefined) the calls pass through; `onEnded`
 * hears of an end that succeeded.
 */
function traceTransactionEnds(
  settings: SettingsSource<KafkaTracingSettings>,
  target: Ends,
  current: () => OpenTransaction | undefined,
  onEnded?: (ended: OpenTransaction) => void,
): void {
  const sendOffsets = target.sendOffsets;
  target.sendOffsets = function tracedSendOffsets(this: unknown, offsets: TopicOffsets) {
    const open = current();
    if (open !== undefined) {
      for (const { partitions } of offsets?.topics ?? []) {
        open.offsetPartitions += partitions?.length ?? 0;
      }
    }
    return sendOffsets.call(this, offsets);
  };
  const end = (outcome: 'committed' | 'aborted', original: () => Promise<void>) =>
    function endTransaction(this: unknown): Promise<void> {
      const open = current();
      if (open === undefined) return original.call(this);
      const ending = traceTransactionEnd(
        settings(),
        {
          recorder: open.recorder,
          outcome,
          operationName: 'send',
          attributes: { [ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS]: open.offsetPartitions },
        },
        () => original.call(this),
      );
      if (onEnded !== undefined) ending.then(() => onEnded(open), ignoreFailure);
      return ending;
    };
  target.commit = end('committed', target.commit);
  target.abort = end('aborted', target.abort);
}

/**
 * Wraps `producer.transaction()` where it resolves with a transaction object
 * of its own (kafkajs): that object's sends are traced and recorded, and its
 * ends record the transaction span.
 */
export function traceOwnTransactions(
  settings: SettingsSource<KafkaTracingSettings>,
  transaction: Producer['transaction'],
): Producer['transaction'] {
  return async function tracedTransaction(this: unknown): Promise<Transaction> {
    const txn = await transaction.call(this);
    const open = new OpenTransaction();
    traceSenders(settings, txn, open.recorder.recordSent);
    traceTransactionEnds(settings, txn, () => open);
    return txn;
  };
}

/**
 * Where `producer.transaction()` resolves with the producer itself
 * (Confluent's client: one transaction at a time per producer), a
 * transaction is open on the producer from `transaction()` until a commit
 * or abort succeeds: what the producer's sends send meanwhile is recorded in
 * it, and its own `commit` / `abort` record the span. Returns the recording callback
 * for the producer's traced sends.
 */
export function traceProducerTransactions(
  settings: SettingsSource<KafkaTracingSettings>,
  producer: Producer & Partial<Ends>,
): { recordSent: (sent: readonly SentMessage[]) => void } {
  let open: OpenTransaction | undefined;
  const transaction = producer.transaction;
  producer.transaction = async function tracedTransaction(this: unknown): Promise<Transaction> {
    const txn = await transaction.call(this);
    open = new OpenTransaction();
    return txn;
  };
  if (isEnds(producer)) {
    traceTransactionEnds(
      settings,
      producer,
      () => open,
      (ended) => {
        if (open === ended) open = undefined;
      },
    );
  }
  return { recordSent: (sent) => open?.recorder.recordSent(sent) };
}

/** The caller handles the end's failure; this copy of its promise only must not be unhandled. */
const ignoreFailure = () => {};

function isEnds(producer: Partial<Ends>): producer is Ends {
  return (
    typeof producer.sendOffsets === 'function' &&
    typeof producer.commit === 'function' &&
    typeof producer.abort === 'function'
  );
}
