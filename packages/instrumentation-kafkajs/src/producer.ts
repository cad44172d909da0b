import {
  ContextExtractor,
  callHook,
  headersWithContext,
  LinkSet,
  messagingSpanName,
  runInSpan,
  startFanInSpan,
  warnOnceIfNoopSpan,
} from '@fanin/core';
import { type Context, context, diag, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { Message, TopicMessages } from 'kafkajs';
import { operationAttributes } from './attributes';
import type { KafkaTracingSettings } from './settings';

interface OutgoingMessage {
  topic: string;
  message: Message;
}

type SendFunction<R, T> = (record: R) => Promise<T>;

/**
 * Wraps a kafkajs send function (`send`, `sendBatch`, and those of a
 * transaction). One message: a `send {topic}` PRODUCER span whose context
 * goes into the message headers. Several: a `create {topic}` span per message
 * gives each its own creation context, and the `send` span links to them all.
 */
export function traceSend<R, T>(
  getSettings: () => KafkaTracingSettings | undefined,
  topicMessagesOf: (record: R) => readonly TopicMessages[],
  send: SendFunction<R, T>,
): SendFunction<R, T> {
  return function tracedSend(this: unknown, record: R) {
    const settings = getSettings();
    const started = settings && startSend(settings, topicMessagesOf, record);
    if (started === undefined) return send.call(this, record);
    const { span, spanContext, end } = started;
    return runInSpan(span, spanContext, () => send.call(this, record), end);
  };
}

interface StartedSend {
  span: Span;
  spanContext: Context;
  end: () => void;
}

function startSend<R>(
  settings: KafkaTracingSettings,
  topicMessagesOf: (record: R) => readonly TopicMessages[],
  record: R,
): StartedSend | undefined {
  try {
    const outgoing = flatten(topicMessagesOf(record));
    const topics = new Set(outgoing.map(({ topic }) => topic));
    const destination = topics.size === 1 ? outgoing[0]?.topic : undefined;
    const parent = context.active();
    const single = outgoing.length === 1 ? outgoing[0] : undefined;
    const started = single
      ? startSingleSend(settings, single, destination, parent)
      : startBatchSend(settings, outgoing, destination, parent);
    warnOnceIfNoopSpan(started.span);
    return started;
  } catch (error) {
    diag.error('fanin: could not start the send span; the messages go out untraced', error);
    return undefined;
  }
}

function flatten(groups: readonly TopicMessages[]): OutgoingMessage[] {
  const outgoing: OutgoingMessage[] = [];
  for (const { topic, messages } of groups ?? []) {
    for (const message of messages ?? []) outgoing.push({ topic, message });
  }
  return outgoing;
}

function startSingleSend(
  settings: KafkaTracingSettings,
  outgoing: OutgoingMessage,
  destination: string | undefined,
  parent: Context,
): StartedSend {
  const span = settings.tracer.startSpan(
    messagingSpanName('send', destination),
    { kind: SpanKind.PRODUCER, attributes: operationAttributes(settings, 'send', destination) },
    parent,
  );
  const spanContext = trace.setSpan(parent, span);
  injectInto(outgoing.message, spanContext, settings);
  callHook('producerHook', settings.config.producerHook, span, outgoing);
  return { span, spanContext, end: () => span.end() };
}

function startBatchSend(
  settings: KafkaTracingSettings,
  outgoing: OutgoingMessage[],
  destination: string | undefined,
  parent: Context,
): StartedSend {
  const links = new LinkSet();
  const extractor = new ContextExtractor();
  for (const item of outgoing) {
    const existing = settings.config.overwriteExistingContext
      ? undefined
      : extractor.extract(item.message.headers).spanContext;
    links.addContext(existing ?? createMessageContext(settings, item, parent));
  }
  const fanIn = startFanInSpan(settings.tracer, {
    name: messagingSpanName('send', destination),
    kind: SpanKind.PRODUCER,
    attributes: operationAttributes(settings, 'send', destination),
    links,
    limits: settings.limits,
    parentContext: parent,
  });
  return { span: fanIn.span, spanContext: fanIn.context, end: fanIn.end };
}

/** A `create {topic}` span for one message of a batch send, injected into its headers. */
function createMessageContext(
  settings: KafkaTracingSettings,
  outgoing: OutgoingMessage,
  parent: Context,
) {
  const span = settings.tracer.startSpan(
    messagingSpanName('create', outgoing.topic),
    {
      kind: SpanKind.PRODUCER,
      attributes: operationAttributes(settings, 'create', outgoing.topic),
    },
    parent,
  );
  injectInto(outgoing.message, trace.setSpan(parent, span), settings);
  callHook('producerHook', settings.config.producerHook, span, outgoing);
  span.end();
  return span.spanContext();
}

function injectInto(message: Message, ctx: Context, settings: KafkaTracingSettings): void {
  const headers = headersWithContext(
    message.headers,
    ctx,
    settings.config.overwriteExistingContext === true,
  );
  if (headers === undefined) return;
  try {
    message.headers = headers as Message['headers'];
  } catch (error) {
    diag.debug('fanin: a message is read-only; its trace context was not injected', error);
  }
}
