import { runInSpan, type TransactionOutcome, TransactionRecorder } from '@fanin/core';
import { diag } from '@opentelemetry/api';
import type { Producer, Transaction } from 'kafkajs';
import { operationAttributes } from './attributes';
import { batchMessages, recordMessages, type SentMessage, traceSend } from './producer';
import type { KafkaTracingSettings } from './settings';

export const ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS = 'fanin.transaction.offset_partitions';

/**
 * Wraps `producer.transaction()`: its sends are traced like any other, and
 * `commit` / `abort` record ONE transaction span, from the transaction's
 * start, linked to the creation context of every message sent inside it.
 * A commit that fails is ERROR; an abort is not an error, only marked so.
 */
export function traceTransactions(
  getSettings: () => KafkaTracingSettings | undefined,
  transaction: Producer['transaction'],
): Producer['transaction'] {
  return async function tracedTransaction(this: unknown): Promise<Transaction> {
    const txn = await transaction.call(this);
    const recorder = new TransactionRecorder();
    let offsetPartitions = 0;
    const record = (messages: readonly SentMessage[]) => {
      for (const { topic, creationContext } of messages) recorder.record(topic, creationContext);
    };
    txn.send = traceSend(getSettings, recordMessages, txn.send, record);
    txn.sendBatch = traceSend(getSettings, batchMessages, txn.sendBatch, record);
    const sendOffsets = txn.sendOffsets;
    txn.sendOffsets = function tracedSendOffsets(this: unknown, offsets) {
      for (const { partitions } of offsets?.topics ?? []) {
        offsetPartitions += partitions?.length ?? 0;
      }
      return sendOffsets.call(this, offsets);
    };
    const end = (outcome: TransactionOutcome, original: () => Promise<void>) =>
      function endTransaction(this: unknown): Promise<void> {
        const settings = getSettings();
        const fanIn =
          settings && startTransactionSpan(settings, recorder, outcome, offsetPartitions);
        if (fanIn === undefined) return original.call(this);
        return runInSpan(fanIn.span, fanIn.context, () => original.call(this), fanIn.end);
      };
    txn.commit = end('committed', txn.commit);
    txn.abort = end('aborted', txn.abort);
    return txn;
  };
}

function startTransactionSpan(
  settings: KafkaTracingSettings,
  recorder: TransactionRecorder,
  outcome: TransactionOutcome,
  offsetPartitions: number,
) {
  try {
    const attributes = operationAttributes(settings, 'send', undefined);
    attributes[ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS] = offsetPartitions;
    return recorder.startSpan(settings.tracer, outcome, attributes, settings.limits);
  } catch (error) {
    diag.error('fanin: could not record the transaction span', error);
    return undefined;
  }
}
