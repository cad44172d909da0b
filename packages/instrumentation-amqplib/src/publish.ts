import {
  callHook,
  headersWithContext,
  messagingSpanName,
  recordError,
  runInSpan,
  warnOnceIfNoopSpan,
} from '@fanin/core';
import { type Context, context, diag, type Span, SpanKind, trace } from '@opentelemetry/api';
import { publishAttributes, publishDestination } from './attributes';
import type { AmqpTracingSettings } from './settings';
import { recordTransactionalPublish } from './transaction';
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

// A confirm channel's publish calls its plain channel's publish; while the
// confirm wrapper is on the stack for a channel, the plain wrapper stands aside
// so that one message gets one span. publish is synchronous, so a variable is enough.
let confirmPublishOn: unknown;

/**
 * Wraps a channel's `publish` (and so `sendToQueue`): a `publish {destination}`
 * PRODUCER span per message, its context injected into a copy of the
 * options' headers, ended when publish returns.
 */
export function tracePublish(
  getSettings: () => AmqpTracingSettings | undefined,
  publish: PublishFunction,
): PublishFunction {
  return function tracedPublish(this: unknown, exchange, routingKey, content, options, ...rest) {
    const settings = confirmPublishOn === this ? undefined : getSettings();
    const started =
      settings && startPublish(settings, this, false, exchange, routingKey, content, options);
    if (started === undefined)
      return publish.call(this, exchange, routingKey, content, options, ...rest);
    return runInSpan(
      started.span,
      started.context,
      () => publish.call(this, exchange, routingKey, content, started.options, ...rest),
      () => started.span.end(),
    );
  };
}

/**
 * Wraps a confirm channel's `publish`: the span ends at the broker's confirm,
 * with status ERROR when the broker nacks the message or the channel closes
 * first. The caller's callback, if any, is called as before.
 */
export function traceConfirmPublish(
  getSettings: () => AmqpTracingSettings | undefined,
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
    const outer = confirmPublishOn;
    confirmPublishOn = this;
    try {
      const settings = getSettings();
      const started =
        settings && startPublish(settings, this, true, exchange, routingKey, content, options);
      if (started === undefined) {
        return publish.call(this, exchange, routingKey, content, options, callback);
      }
      const end = onceEnding(started.span);
      const onConfirm: ConfirmCallback = function confirmed(this: unknown, error, ok) {
        end(error);
        if (typeof callback === 'function') callback.call(this, error, ok);
      };
      try {
        return context.with(started.context, () =>
          publish.call(this, exchange, routingKey, content, started.options, onConfirm),
        );
      } catch (error) {
        end(error);
        throw error;
      }
    } finally {
      confirmPublishOn = outer;
    }
  };
}

/** Ends `span` once: the confirm may come after a synchronous failure was recorded. */
function onceEnding(span: Span): (error: unknown) => void {
  let ended = false;
  return (error) => {
    if (ended) return;
    ended = true;
    if (error !== null && error !== undefined) recordError(span, error);
    span.end();
  };
}

interface StartedPublish {
  span: Span;
  context: Context;
  /** The options to publish with: the caller's, or a copy carrying the trace context. */
  options: AmqpPublishOptions | undefined;
}

function startPublish(
  settings: AmqpTracingSettings,
  channel: unknown,
  isConfirmChannel: boolean,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: AmqpPublishOptions | undefined,
): StartedPublish | undefined {
  try {
    const parent = context.active();
    const span = settings.tracer.startSpan(
      messagingSpanName('publish', publishDestination(exchange, routingKey)),
      {
        kind: SpanKind.PRODUCER,
        attributes: publishAttributes(
          settings.names,
          channel,
          exchange,
          routingKey,
          content,
          options,
        ),
      },
      parent,
    );
    warnOnceIfNoopSpan(span);
    const spanContext = trace.setSpan(parent, span);
    const traced = optionsWithContext(options, spanContext, settings);
    recordTransactionalPublish(
      channel,
      publishDestination(exchange, routingKey),
      span.spanContext(),
      traced?.headers,
      traced !== options,
    );
    callHook('publishHook', settings.config.publishHook, span, {
      exchange,
      routingKey,
      content,
      options: traced,
      isConfirmChannel,
    });
    return { span, context: spanContext, options: traced };
  } catch (error) {
    diag.error('fanin: could not start the publish span; the message goes out untraced', error);
    return undefined;
  }
}

/**
 * A copy of the caller's options with the context in `headers`. The caller's
 * object is left as it was: applications often reuse one options object for
 * every publish.
 */
function optionsWithContext(
  options: AmqpPublishOptions | undefined,
  ctx: Context,
  settings: AmqpTracingSettings,
): AmqpPublishOptions | undefined {
  const given = typeof options === 'object' && options !== null ? options : undefined;
  const headers = headersWithContext(
    given?.headers,
    ctx,
    settings.config.overwriteExistingContext === true,
  );
  if (headers === undefined) return options;
  return { ...given, headers };
}
