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
import {
  type Context,
  context,
  diag,
  type Span,
  type SpanContext,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import type { Message, Producer, ProducerBatch, ProducerRecord, TopicMessages } from 'kafkajs';
import { operationAttributes } from './attributes';
import type { KafkaTracingSettings } from './settings';

interface OutgoingMessage {
  topic: string;
  message: Message;
}

type SendFunction<R, T> = (record: R) => Promise<T>;

export const recordMessages = (record: ProducerRecord): TopicMessages[] => [record];
export const batchMessages = (batch: ProducerBatch): TopicMessages[] => batch?.topicMessages ?? [];

/** Wraps `producer.send` and `sendBatch` (transactions are wrapped by transaction.ts). */
export function traceProducerSends(
  getSettings: () => KafkaTracingSettings | undefined,
  producer: Producer,
): void {
  producer.send = traceSend(getSettings, recordMessages, producer.send);
  producer.sendBatch = traceSend(getSettings, batchMessages, producer.sendBatch);
}

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
  onSent?: (messages: readonly SentMessage[]) => void,
): SendFunction<R, T> {
  return function tracedSend(this: unknown, record: R) {
    const settings = getSettings();
    const started = settings && startSend(settings, topicMessagesOf, record);
    if (started === undefined) return send.call(this, record);
    const { span, spanContext, end, sent } = started;
    onSent?.(sent);
    return runInSpan(span, spanContext, () => send.call(this, record), end);
  };
}

/** A message on its way out, with the creation context it carries. */
export interface SentMessage {
  topic: string;
  creationContext: SpanContext;
}

interface StartedSend {
  span: Span;
  spanContext: Context;
  end: () => void;
  sent: SentMessage[];
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
  const carried = carriedContext(settings, outgoing.message, new ContextExtractor());
  if (carried === undefined) injectInto(outgoing.message, spanContext);
  callHook('producerHook', settings.config.producerHook, span, outgoing);
  const creationContext = carried ?? span.spanContext();
  return {
    span,
    spanContext,
    end: () => span.end(),
    sent: [{ topic: outgoing.topic, creationContext }],
  };
}

function startBatchSend(
  settings: KafkaTracingSettings,
  outgoing: OutgoingMessage[],
  destination: string | undefined,
  parent: Context,
): StartedSend {
  const links = new LinkSet();
  const extractor = new ContextExtractor();
  const sent = outgoing.map((item) => {
    const creationContext =
      carriedContext(settings, item.message, extractor) ??
      createMessageContext(settings, item, parent);
    links.addContext(creationContext);
    return { topic: item.topic, creationContext };
  });
  const fanIn = startFanInSpan(settings.tracer, {
    name: messagingSpanName('send', destination),
    kind: SpanKind.PRODUCER,
    attributes: operationAttributes(settings, 'send', destination),
    links,
    limits: settings.limits,
    parentContext: parent,
  });
  return { span: fanIn.span, spanContext: fanIn.context, end: fanIn.end, sent };
}

/** The context a message already carries, which is kept unless `overwriteExistingContext`. */
function carriedContext(
  settings: KafkaTracingSettings,
  message: Message,
  extractor: ContextExtractor,
): SpanContext | undefined {
  if (settings.config.overwriteExistingContext) return undefined;
  return extractor.extract(message.headers).spanContext;
}

/** A `create {topic}` span for one message of a batch send, injected into its headers. */
function createMessageContext(
  settings: KafkaTracingSettings,
  outgoing: OutgoingMessage,
  parent: Context,
): SpanContext {
  const span = settings.tracer.startSpan(
    messagingSpanName('create', outgoing.topic),
    {
      kind: SpanKind.PRODUCER,
      attributes: operationAttributes(settings, 'create', outgoing.topic),
    },
    parent,
  );
  injectInto(outgoing.message, trace.setSpan(parent, span));
  callHook('producerHook', settings.config.producerHook, span, outgoing);
  span.end();
  return span.spanContext();
}

function injectInto(message: Message, ctx: Context): void {
  // Called only where the message carries no context to keep, so overwrite.
  const headers = headersWithContext(message.headers, ctx, true);
  if (headers === undefined) return;
  try {
    message.headers = headers as Message['headers'];
  } catch (error) {
    diag.debug('fanin: a message is read-only; its trace context was not injected', error);
  }
}
