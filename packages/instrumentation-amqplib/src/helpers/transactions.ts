import {
  beginTransaction,
  type TransactionOutcome,
  traceTransactionEnd,
  transactionOf,
} from '@fanin/core/adapter';
import { peerAttributes } from '../messages';
import { callChannel } from './channel-calls';
import { helperSettings } from './fallback-settings';

// amqplib implements AMQP's tx class in its codec but offers no channel
// methods for it; these are the method ids its `rpc` takes (class 90).
const TX_SELECT = 5898250;
const TX_SELECT_OK = 5898251;
const TX_COMMIT = 5898260;
const TX_COMMIT_OK = 5898261;
const TX_ROLLBACK = 5898270;
const TX_ROLLBACK_OK = 5898271;

/** A channel of either amqplib API: both have `rpc(method, fields, expect[, callback])`. */
export type TransactionalChannel = object;

/**
 * Puts the channel in transactional mode (AMQP `tx.select`). From then on,
 * each `txCommit` / `txRollback` ends one transaction, recorded as ONE span
 * linked to every message the channel published in it, and the next begins.
 */
export async function txSelect(channel: TransactionalChannel): Promise<void> {
  await callChannel(channel, 'rpc', TX_SELECT, {}, TX_SELECT_OK);
  beginTransaction(channel);
}

/** Commits the channel's transaction (AMQP `tx.commit`); a failure is recorded and re-thrown. */
export function txCommit(channel: TransactionalChannel): Promise<void> {
  return endTransaction(channel, 'committed', 'commit', TX_COMMIT, TX_COMMIT_OK);
}

/** Rolls the channel's transaction back (AMQP `tx.rollback`): marked, not an error. */
export function txRollback(channel: TransactionalChannel): Promise<void> {
  return endTransaction(channel, 'rolled_back', 'rollback', TX_ROLLBACK, TX_ROLLBACK_OK);
}

async function endTransaction(
  channel: TransactionalChannel,
  outcome: TransactionOutcome,
  operationName: string,
  method: number,
  expect: number,
): Promise<void> {
  const transaction = transactionOf(channel);
  const end = () => callChannel<void>(channel, 'rpc', method, {}, expect).then(() => undefined);
  if (transaction === undefined) return end();
  try {
    return await traceTransactionEnd(
      helperSettings(transaction.offers),
      {
        recorder: transaction.recorder,
        outcome,
        operationName,
        attributes: peerAttributes(channel),
      },
      end,
    );
  } finally {
    transaction.recorder.restart();
  }
}
