import {
  errorTypeOf,
  recordError,
  type SentMessage,
  type SettingsSource,
  type StartedSend,
  startSend,
  traceSend,
  transactionOf,
} from '@fanin/core/adapter';
import { context, type Span } from '@opentelemetry/api';
import { type OutgoingPublish, outgoingPublish, publishReader } from './messages';
import type { AmqpTracingSettings } from './settings';
import type { AmqpPublishOptions } from './types';

type ConfirmCallback = (this: unknown, error: unknown, ok?: unknown) => void;

/** `publish(exchange, routingKey, content, options)`, and on confirm channels a callback. */
export type PublishFunction = (
  this: unknown,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options?: AmqpPublishOptions,
  callback?: ConfirmCallback,
) => boolean;

/**
 * A confirm channel's publish calls its plain channel's publish; while one
 * instance's confirm wrapper is on the stack for a channel, that instance's
 * plain wrapper stands aside, so one message gets one span. publish is
 * synchronous, so one field per instance is enough.
 */
export interface PublishState {
  confirmPublishOn: unknown;
}

function describePublish(settings: AmqpTracingSettings, publish: OutgoingPublish) {
  const { publishHook } = settings.config;
  return {
    messages: [publish],
    reader: publishReader,
    operationName: 'publish',
    hook: publishHook && {
      name: 'publishHook',
      call: (span: Span) => {
        const { channel: _channel, ...info } = publish;
        return publishHook(span, info);
      },
    },
  };
}

/** A publish inside an AMQP transaction (see helpers/transactions.ts) joins it. */
function joinTransaction(
  settings: SettingsSource<AmqpTracingSettings>,
  channel: unknown,
): ((sent: readonly SentMessage[]) => void) | undefined {
  const transaction = transactionOf(channel);
  if (transaction === undefined) return undefined;
  transaction.offers.offer(settings);
  return transaction.recorder.recordSent;
}

/**
 * Wraps a channel's `publish` (and so `sendToQueue`): a `publish {destination}`
 * PRODUCER span per message, its context injected into a copy of the
 * options' headers, ended when publish returns.
 */
export function tracePublish(
  settings: SettingsSource<AmqpTracingSettings>,
  state: PublishState,
  publish: PublishFunction,
): PublishFunction {
  return function tracedPublish(this: unknown, exchange, routingKey, content, options, ...rest) {
    if (state.confirmPublishOn === this) {
      return publish.call(this, exchange, routingKey, content, options, ...rest);
    }
    const outgoing = outgoingPublish(this, false, [exchange, routingKey, content, options]);
    return traceSend(
      settings(),
      (current) => describePublish(current, outgoing),
      () => publish.call(this, exchange, routingKey, content, outgoing.options, ...rest),
      joinTransaction(settings, this),
    );
  };
}

/**
 * Wraps a confirm channel's `publish`: the span ends at the broker's confirm,
 * with status ERROR when the broker nacks the message or the channel closes
 * first. The caller's callback, if any, is called as before.
 */
export function traceConfirmPublish(
  settings: SettingsSource<AmqpTracingSettings>,
  state: PublishState,
  publish: PublishFunction,
): PublishFunction {
  return function tracedConfirmPublish(
    this: unknown,
    exchange,
    routingKey,
    content,
    options,
    callback,
  ) {
    const outer = state.confirmPublishOn;
    state.confirmPublishOn = this;
    try {
      const current = settings();
      const outgoing = outgoingPublish(this, true, [exchange, routingKey, content, options]);
      const started = current && startSend(current, (s) => describePublish(s, outgoing));
      if (started === undefined) {
        return publish.call(this, exchange, routingKey, content, options, callback);
      }
      joinTransaction(settings, this)?.(started.sent);
      const end = endOnConfirm(started);
      // The confirm ends the span; the send metrics count until then.
      const onConfirm: ConfirmCallback = function confirmed(this: unknown, error, ok) {
        end(error);
        if (typeof callback === 'function') callback.call(this, error, ok);
      };
      try {
        return context.with(started.context, () =>
          publish.call(this, exchange, routingKey, content, outgoing.options, onConfirm),
        );
      } catch (error) {
        end(error);
        throw error;
      }
    } finally {
      state.confirmPublishOn = outer;
    }
  };
}

/** Ends the publish span once: the confirm may come after a synchronous failure was recorded. */
function endOnConfirm(started: StartedSend): (error: unknown) => void {
  let ended = false;
  return (error) => {
    if (ended) return;
    ended = true;
    const failed = error !== null && error !== undefined;
    if (failed) recordError(started.span, error);
    started.recordSent(failed ? errorTypeOf(error) : undefined);
    started.end();
  };
}
