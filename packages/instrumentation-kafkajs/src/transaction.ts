import { type SettingsSource, TransactionRecorder, traceTransactionEnd } from '@fanin/core/adapter';
import type { Producer, Transaction } from 'kafkajs';
import type { KafkaTracingSettings } from './messages';
import { batchMessages, recordMessages, traceSendFunction } from './producer';

export const ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS = 'fanin.transaction.offset_partitions';

/**
 * Wraps `producer.transaction()`: its sends are traced like any other, and
 * `commit` / `abort` record ONE transaction span, from the transaction's
 * start, linked to the creation context of every message sent inside it.
 * A commit that fails is ERROR; an abort is not an error, only marked so.
 */
export function traceTransactions(
  settings: SettingsSource<KafkaTracingSettings>,
  transaction: Producer['transaction'],
): Producer['transaction'] {
  return async function tracedTransaction(this: unknown): Promise<Transaction> {
    const txn = await transaction.call(this);
    const recorder = new TransactionRecorder();
    let offsetPartitions = 0;
    txn.send = traceSendFunction(settings, recordMessages, txn.send, recorder.recordSent);
    txn.sendBatch = traceSendFunction(settings, batchMessages, txn.sendBatch, recorder.recordSent);
    const sendOffsets = txn.sendOffsets;
    txn.sendOffsets = function tracedSendOffsets(this: unknown, offsets) {
      for (const { partitions } of offsets?.topics ?? []) {
        offsetPartitions += partitions?.length ?? 0;
      }
      return sendOffsets.call(this, offsets);
    };
    const end = (outcome: 'committed' | 'aborted', original: () => Promise<void>) =>
      function endTransaction(this: unknown): Promise<void> {
        return traceTransactionEnd(
          settings(),
          {
            recorder,
            outcome,
            operationName: 'send',
            attributes: { [ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS]: offsetPartitions },
          },
          () => original.call(this),
        );
      };
    txn.commit = end('committed', txn.commit);
    txn.abort = end('aborted', txn.abort);
    return txn;
  };
}
