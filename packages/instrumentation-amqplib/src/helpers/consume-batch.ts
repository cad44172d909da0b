import { ATTR_FANIN_MESSAGES_REDELIVERED } from '@fanin/core';
import {
  callHook,
  markSelfTraced,
  recordError,
  recordSettlement,
  recordSettlementAttributes,
  runInSpan,
  SettingsOffers,
  type Settlement,
  type SettlementDetails,
  startBatchSpan,
} from '@fanin/core/adapter';
import { diag, type Span } from '@opentelemetry/api';
import { deliveryReader, peerAttributes } from '../messages';
import type { AmqpTracingSettings } from '../settings';
import type { AmqpMessage } from '../types';
import { Batcher } from './batcher';
import { callChannel } from './channel-calls';
import { helperSettings } from './fallback-settings';

/** The options of `channel.consume` that `consumeBatch` passes on (it needs acknowledgements). */
export interface BatchConsumeOptions {
  consumerTag?: string;
  noLocal?: boolean;
  exclusive?: boolean;
  priority?: number;
  arguments?: Record<string, unknown>;
}

export interface ConsumeBatchOptions<M extends AmqpMessage = AmqpMessage> {
  /** Most messages in a batch. Default 100. */
  maxMessages?: number;
  /** Longest wait, from a batch's first message, before it is handled unfilled. Default 1000. */
  maxWaitMs?: number;
  /**
   * The prefetch (per consumer) set on the channel before consuming, so that
   * a batch can fill; default `maxMessages`. `false` leaves the channel's as it is.
   */
  prefetch?: number | false;
  /** Whether a failed batch goes back to the queue. Default true. */
  requeue?: boolean | ((error: unknown, messages: readonly M[]) => boolean);
  /** Called with a failed batch's error, after the batch was nacked. */
  onError?: (error: unknown, messages: readonly M[]) => void;
  consumeOptions?: BatchConsumeOptions;
}

/**
 * The channel methods `consumeBatch` uses: an amqplib channel of the promise
 * or the callback API, 0.10.x or later.
 */
export interface BatchChannel<M extends AmqpMessage> {
  consume(queue: string, onMessage: (message: M | null) => void, options?: object): unknown;
  cancel(consumerTag: string): unknown;
  prefetch(count: number, global?: boolean): unknown;
  ack(message: NoInfer<M>, allUpTo?: boolean): unknown;
  nack(message: NoInfer<M>, allUpTo?: boolean, requeue?: boolean): unknown;
  on(event: 'close', listener: () => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

/** A running `consumeBatch` consumer. */
export interface BatchConsumer {
  readonly consumerTag: string;
  /** Stops consuming. Resolves once the messages in hand have been handled and settled. */
  cancel(): Promise<void>;
  /** Resolves when the consumer stopped: cancelled, cancelled by the broker, or its channel closed. */
  readonly stopped: Promise<void>;
}

export const DEFAULT_MAX_MESSAGES = 100;
export const DEFAULT_MAX_WAIT_MS = 1000;
const MAX_PREFETCH = 65_535;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Consumes `queue` in batches: up to `maxMessages` deliveries, or what
 * arrived within `maxWaitMs` of a batch's first one. `handler` runs inside ONE
 * `process {queue}` span linked to every message's producer. When it
 * succeeds the batch is acked, when it throws (or rejects) the batch is
 * nacked, requeued by default. Give it a channel of its own: it then settles
 * each batch with one multiple ack or nack. It records with the config of
 * the `AmqplibInstrumentation` that intercepts the channel's `consume`, or,
 * without one, with the defaults through the global tracer provider.
 */
export async function consumeBatch<M extends AmqpMessage>(
  channel: BatchChannel<M>,
  queue: string,
  options: ConsumeBatchOptions<M>,
  handler: (messages: M[]) => unknown,
): Promise<BatchConsumer> {
  const limits = validate(options ?? {});
  if (typeof handler !== 'function') throw new TypeError('consumeBatch needs a handler function');
  const consumer = new BatchConsumption(channel, queue, options ?? {}, limits, handler);
  if (limits.prefetch !== false) await callChannel(channel, 'prefetch', limits.prefetch, false);
  await consumer.start();
  return consumer;
}

interface Limits {
  maxMessages: number;
  maxWaitMs: number;
  prefetch: number | false;
}

function validate(options: ConsumeBatchOptions<never>): Limits {
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw new RangeError(`maxMessages must be a whole number >= 1, got ${String(maxMessages)}`);
  }
  if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0 && maxWaitMs <= MAX_TIMER_MS)) {
    throw new RangeError(
      `maxWaitMs must be between 0 and ${MAX_TIMER_MS}, got ${String(maxWaitMs)}`,
    );
  }
  const prefetch = options.prefetch ?? maxMessages;
  if (
    prefetch !== false &&
    !(Number.isInteger(prefetch) && prefetch >= 0 && prefetch <= MAX_PREFETCH)
  ) {
    throw new RangeError(
      `prefetch must be a whole number from 0 to ${MAX_PREFETCH} (or false), got ${String(prefetch)}`,
    );
  }
  if ((options.consumeOptions as { noAck?: unknown } | undefined)?.noAck === true) {
    throw new TypeError('consumeBatch acknowledges every batch; it cannot consume with noAck');
  }
  return { maxMessages, maxWaitMs, prefetch };
}

/** How a batch was settled, as its span reports it. */
interface BatchOutcome extends SettlementDetails {
  settlement: Extract<Settlement, 'ack' | 'nack' | 'channel_closed'>;
}

/**
 * Says on the batch span how the batch was settled. A failed handler already
 * set the span's status (its own error); a batch the channel's closing kept
 * from being acked says so, with the error the ack met, if any.
 */
function recordBatchOutcome(span: Span, outcome: BatchOutcome): void {
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

function describeBatch<M extends AmqpMessage>(
  settings: AmqpTracingSettings,
  channel: unknown,
  queue: string,
  messages: readonly M[],
) {
  const { batchHook, consumeHook } = settings.config;
  const attributes = peerAttributes(channel);
  attributes[ATTR_FANIN_MESSAGES_REDELIVERED] = messages.filter(
    (message) => message.fields?.redelivered === true,
  ).length;
  return {
    destination: queue,
    attributes,
    messages,
    reader: deliveryReader(channel),
    batchHook: batchHook && {
      name: 'batchHook',
      call: (span: Span) => batchHook(span, { queue, messages }),
    },
    messageHook: consumeHook && {
      name: 'consumeHook',
      call: (span: Span, message: AmqpMessage) => consumeHook(span, { queue, message }),
    },
  };
}

class BatchConsumption<M extends AmqpMessage> implements BatchConsumer {
  consumerTag = '';
  /** The settings offered by the instrumentation instances that intercept the channel's consume. */
  private readonly offers = new SettingsOffers();
  readonly stopped: Promise<void>;
  private resolveStopped: () => void = () => {};
  private state: 'running' | 'stopping' | 'stopped' = 'running';
  private channelClosed = false;
  private readonly batcher: Batcher<M>;
  // Batches are handled one after another, in delivery order.
  private tail: Promise<void> = Promise.resolve();
  // A multiple ack settles every outstanding delivery of the channel up to its
  // tag, whoever consumed it. So batches are acked with one only while every
  // delivery tag of the channel so far was this consumer's.
  private ownsEveryTag = true;
  private lastSettledTag = 0;

  constructor(
    private readonly channel: BatchChannel<M>,
    private readonly queue: string,
    private readonly options: ConsumeBatchOptions<M>,
    limits: Limits,
    private readonly handler: (messages: M[]) => unknown,
  ) {
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    this.batcher = new Batcher(
      { maxItems: limits.maxMessages, maxWaitMs: limits.maxWaitMs },
      (batch) => this.enqueue(batch),
    );
  }

  async start(): Promise<void> {
    this.channel.on('close', this.onClose);
    try {
      const ok = await callChannel<{ consumerTag?: string } | undefined>(
        this.channel,
        'consume',
        this.queue,
        markSelfTraced(this.onMessage, this.offers),
        { ...this.options.consumeOptions, noAck: false },
      );
      this.consumerTag = ok?.consumerTag ?? this.options.consumeOptions?.consumerTag ?? '';
    } catch (error) {
      this.channel.removeListener('close', this.onClose);
      throw error;
    }
  }

  async cancel(): Promise<void> {
    if (this.state !== 'running') return this.stopped;
    this.state = 'stopping';
    try {
      if (!this.channelClosed) await callChannel(this.channel, 'cancel', this.consumerTag);
    } catch (error) {
      if (!this.channelClosed) {
        this.state = 'running';
        throw error;
      }
    }
    this.stop();
    return this.stopped;
  }

  private readonly onMessage = (message: M | null): void => {
    // null: the broker cancelled the consumer (e.g. its queue was deleted).
    if (message === null) this.stop();
    else if (!this.channelClosed) this.batcher.add(message);
  };

  private readonly onClose = (): void => {
    this.channelClosed = true;
    // Unacked deliveries of a closed channel go back to the queue: dropping
    // the unhandled ones loses nothing, and acking them could not succeed.
    this.batcher.discard();
    this.stop();
  };

  /** Hands over the messages in hand and resolves `stopped` once every batch is settled. */
  private stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.batcher.flush();
    this.channel.removeListener('close', this.onClose);
    this.tail.then(this.resolveStopped);
  }

  private enqueue(batch: M[]): void {
    this.tail = this.tail.then(() => this.handle(batch));
  }

  /** Runs the handler in the batch span and settles the batch. Never rejects. */
  private async handle(batch: M[]): Promise<void> {
    if (this.channelClosed) return;
    const fanIn = startBatchSpan(helperSettings(this.offers), (settings) =>
      describeBatch(settings, this.channel, this.queue, batch),
    );
    let failure: { error: unknown } | undefined;
    try {
      // A copy: the handler may do what it likes with its array.
      const run = () => this.handler([...batch]);
      await (fanIn
        ? runInSpan(fanIn.span, fanIn.context, run, () => {}, fanIn.recordProcessed)
        : run());
    } catch (error) {
      failure = { error };
    }
    const outcome = this.settle(batch, failure);
    if (fanIn) {
      recordBatchOutcome(fanIn.span, outcome);
      fanIn.end();
    }
    if (failure) callHook('onError', this.options.onError, failure.error, batch);
  }

  private settle(batch: M[], failure: { error: unknown } | undefined): BatchOutcome {
    if (this.channelClosed) return { settlement: 'channel_closed' };
    const requeue = failure ? this.requeue(failure.error, batch) : undefined;
    const multiple = this.takesOneMultipleSettlement(batch);
    try {
      if (multiple) {
        const last = batch[batch.length - 1] as M;
        if (failure) this.channel.nack(last, true, requeue);
        else this.channel.ack(last, true);
      } else {
        for (const message of batch) {
          if (failure) this.channel.nack(message, false, requeue);
          else this.channel.ack(message);
        }
      }
    } catch (error) {
      // amqplib refuses to send on a closing or closed channel: the broker
      // requeues whatever was not settled, so stop as if the close had come.
      this.onClose();
      return { settlement: 'channel_closed', error };
    }
    return failure ? { settlement: 'nack', requeue, multiple } : { settlement: 'ack', multiple };
  }

  private takesOneMultipleSettlement(batch: M[]): boolean {
    for (const [index, message] of batch.entries()) {
      if (message.fields.deliveryTag !== this.lastSettledTag + 1 + index) {
        this.ownsEveryTag = false;
        break;
      }
    }
    for (const message of batch) {
      this.lastSettledTag = Math.max(this.lastSettledTag, message.fields.deliveryTag);
    }
    return this.ownsEveryTag;
  }

  private requeue(error: unknown, batch: M[]): boolean {
    const { requeue } = this.options;
    if (typeof requeue !== 'function') return requeue !== false;
    try {
      return requeue(error, batch) !== false;
    } catch (hookError) {
      diag.error('fanin: consumeBatch requeue threw; the batch is requeued', hookError);
      return true;
    }
  }
}
