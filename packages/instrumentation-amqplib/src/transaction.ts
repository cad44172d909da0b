import {
  ContextExtractor,
  runInSpan,
  type TransactionOutcome,
  TransactionRecorder,
} from '@fanin/core';
import { diag, type SpanContext } from '@opentelemetry/api';
import { operationAttributes } from './attributes';
import { callChannel } from './channel-calls';
import { batchTracingSettings } from './registry';

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

const recorders = new WeakMap<object, TransactionRecorder>();

/**
 * Puts the channel in transactional mode (AMQP `tx.select`). From then on,
 * each `txCommit` / `txRollback` ends one transaction, recorded as ONE span
 * linked to every message the channel published in it, and the next begins.
 */
export async function txSelect(channel: TransactionalChannel): Promise<void> {
  await callChannel(channel, 'rpc', TX_SELECT, {}, TX_SELECT_OK);
  recorders.set(channel, new TransactionRecorder());
}

/** Commits the channel's transaction (AMQP `tx.commit`); a failure is recorded and re-thrown. */
export function txCommit(channel: TransactionalChannel): Promise<void> {
  return endTransaction(channel, 'committed', TX_COMMIT, TX_COMMIT_OK);
}

/** Rolls the channel's transaction back (AMQP `tx.rollback`): marked, not an error. */
export function txRollback(channel: TransactionalChannel): Promise<void> {
  return endTransaction(channel, 'rolled_back', TX_ROLLBACK, TX_ROLLBACK_OK);
}

/**
 * Called for each traced publish: on a transactional channel the message's
 * creation context joins the transaction. A message that kept a context it
 * already carried joins with that one.
 */
export function recordTransactionalPublish(
  channel: unknown,
  destination: string,
  publishContext: SpanContext,
  headers: unknown,
  injected: boolean,
): void {
  const recorder =
    typeof channel === 'object' && channel !== null ? recorders.get(channel) : undefined;
  if (recorder === undefined) return;
  const creationContext = injected
    ? publishContext
    : (new ContextExtractor().extract(headers).spanContext ?? publishContext);
  recorder.record(destination, creationContext);
}

async function endTransaction(
  channel: TransactionalChannel,
  outcome: TransactionOutcome,
  method: number,
  expect: number,
): Promise<void> {
  const recorder = recorders.get(channel);
  const fanIn = recorder && startTransactionSpan(channel, recorder, outcome);
  const end = () => callChannel<void>(channel, 'rpc', method, {}, expect).then(() => undefined);
  try {
    if (fanIn === undefined) return await end();
    return await runInSpan(fanIn.span, fanIn.context, end, fanIn.end);
  } finally {
    recorder?.restart();
  }
}

function startTransactionSpan(
  channel: TransactionalChannel,
  recorder: TransactionRecorder,
  outcome: TransactionOutcome,
) {
  try {
    const settings = batchTracingSettings();
    const name = outcome === 'committed' ? 'commit' : 'rollback';
    const attributes = operationAttributes(settings.names, 'send', name, undefined, channel);
    return recorder.startSpan(settings.tracer, outcome, attributes, settings.limits);
  } catch (error) {
    diag.error('fanin: could not record the transaction span', error);
    return undefined;
  }
}
