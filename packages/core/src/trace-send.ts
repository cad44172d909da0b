import {
  type Attributes,
  type Context,
  context,
  diag,
  type Span,
  type SpanContext,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { checkRecordingSetup } from './diagnostics';
import { ContextExtractor } from './extract';
import { startFanInSpan } from './fan-in-span';
import { headersWithContext } from './inject';
import { LinkSet } from './links';
import { attributesOf, headersOf } from './message-reader';
import { onceRecording } from './metrics';
import { endAll, type OpenSpan, openSpan } from './open-span';
import { type HookCall, operationAttributes } from './operation';
import { callHook, runInSpan } from './run-in-span';
import { ATTR_MESSAGING_DESTINATION_NAME, messagingSpanName } from './semconv';
import type { TracingSettings } from './settings';

/** How core reads and writes one library's outgoing messages. */
export interface OutgoingReader<M> {
  /** The topic, or exchange and routing key, the message goes to. */
  destination(message: M): string | undefined;
  /** The message's headers as the caller gave them. */
  headers(message: M): unknown;
  /** Gives the message `headers`: a copy of its own with the trace context injected. */
  setHeaders(message: M, headers: Record<string, unknown>): void;
  /** The library's own attributes of the message's producer span (routing key, id, size). */
  spanAttributes(message: M): Attributes;
}

/** One call that sends messages, as the adapter describes it. */
export interface SendDescription<M> {
  messages: readonly M[];
  reader: OutgoingReader<M>;
  /** The operation's name (`send` for Kafka, `publish` for AMQP); its type is `send`. */
  operationName: string;
  /** The user's hook for each message's producer span, called after the context is injected. */
  hook?: HookCall<[Span, M]>;
}

/** A message on its way out, with the creation context it carries. */
export interface SentMessage {
  destination: string | undefined;
  creationContext: SpanContext;
}

export interface StartedSend extends OpenSpan {
  sent: SentMessage[];
  /** Records the send's metrics (messages sent per destination, the call's duration), once. */
  recordSent(errorType?: string): void;
}

/**
 * Starts the producer span(s) of a send call and injects the contexts. One
 * message: a `{operation} {destination}` PRODUCER span whose context goes
 * into the message's headers. Several: a `create {destination}` span per
 * message gives each its own creation context, and the send span links to
 * them all. A message that already carries a context keeps it, unless
 * `overwriteExistingContext`. Never throws; a message whose headers cannot
 * be read or replaced goes out without a context, its span still recorded.
 */
export function startSend<S extends TracingSettings, M>(
  settings: S,
  describe: (settings: S) => SendDescription<M>,
): StartedSend | undefined {
  try {
    const startedAt = settings.metrics === undefined ? 0 : performance.now();
    const description = describe(settings);
    const { messages } = description;
    const destinations = new Set(
      messages.map((message) => description.reader.destination(message)),
    );
    const destination = destinations.size === 1 ? destinations.values().next().value : undefined;
    const parent = context.active();
    const single = messages.length === 1 ? messages[0] : undefined;
    const started =
      single !== undefined
        ? startSingleSend(settings, description, single, destination, parent)
        : startBatchSend(settings, description, destination, parent);
    checkRecordingSetup(started.span);
    const recordSent = onceRecording(settings.metrics, (metrics, errorType) => {
      const call = operationAttributes(settings, 'send', description.operationName, destination);
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.recordSendDuration(call, seconds, errorType);
      for (const [to, count] of countByDestination(started.sent)) {
        const perDestination = to === destination ? call : { ...call };
        if (to !== destination && to !== undefined) {
          perDestination[ATTR_MESSAGING_DESTINATION_NAME] = to;
        }
        metrics.recordSentMessages(perDestination, count, errorType);
      }
    });
    return { ...started, recordSent };
  } catch (error) {
    diag.error('fanin: could not start the send span; the messages go out untraced', error);
    return undefined;
  }
}

function startSingleSend<M>(
  settings: TracingSettings,
  description: SendDescription<M>,
  message: M,
  destination: string | undefined,
  parent: Context,
): Omit<StartedSend, 'recordSent'> {
  const { reader, operationName } = description;
  const attributes = operationAttributes(settings, 'send', operationName, destination);
  Object.assign(
    attributes,
    attributesOf((m: M) => reader.spanAttributes(m), message),
  );
  const span = settings.tracer.startSpan(
    messagingSpanName(operationName, destination),
    { kind: SpanKind.PRODUCER, attributes },
    parent,
  );
  const spanContext = trace.setSpan(parent, span);
  const carried = carriedContext(settings, reader, message, new ContextExtractor());
  if (carried === undefined) inject(reader, message, spanContext);
  if (description.hook !== undefined) {
    callHook(description.hook.name, description.hook.call, span, message);
  }
  return {
    ...openSpan(span, spanContext),
    sent: [{ destination, creationContext: carried ?? span.spanContext() }],
  };
}

function startBatchSend<M>(
  settings: TracingSettings,
  description: SendDescription<M>,
  destination: string | undefined,
  parent: Context,
): Omit<StartedSend, 'recordSent'> {
  const links = new LinkSet(settings.links);
  const extractor = new ContextExtractor();
  const sent = description.messages.map((message): SentMessage => {
    const creationContext =
      carriedContext(settings, description.reader, message, extractor) ??
      createMessageContext(settings, description, message, parent);
    links.addContext(creationContext);
    return { destination: description.reader.destination(message), creationContext };
  });
  const fanIn = startFanInSpan(settings.tracer, {
    name: messagingSpanName(description.operationName, destination),
    kind: SpanKind.PRODUCER,
    attributes: operationAttributes(settings, 'send', description.operationName, destination),
    links,
    limits: settings.limits,
    parentContext: parent,
  });
  return { ...fanIn, sent };
}

/** The context a message already carries, which is kept unless `overwriteExistingContext`. */
function carriedContext<M>(
  settings: TracingSettings,
  reader: OutgoingReader<M>,
  message: M,
  extractor: ContextExtractor,
): SpanContext | undefined {
  if (settings.config.overwriteExistingContext === true) return undefined;
  return extractor.extract(headersOf(reader, message)).spanContext;
}

/** A `create {destination}` span for one message of a batch send, injected into its headers. */
function createMessageContext<M>(
  settings: TracingSettings,
  description: SendDescription<M>,
  message: M,
  parent: Context,
): SpanContext {
  const { reader } = description;
  const destination = reader.destination(message);
  const attributes = operationAttributes(settings, 'create', 'create', destination);
  Object.assign(
    attributes,
    attributesOf((m: M) => reader.spanAttributes(m), message),
  );
  const span = settings.tracer.startSpan(
    messagingSpanName('create', destination),
    { kind: SpanKind.PRODUCER, attributes },
    parent,
  );
  try {
    inject(reader, message, trace.setSpan(parent, span));
    if (description.hook !== undefined) {
      callHook(description.hook.name, description.hook.call, span, message);
    }
  } finally {
    endAll([span]);
  }
  return span.spanContext();
}

function inject<M>(reader: OutgoingReader<M>, message: M, ctx: Context): void {
  const headers = headersWithContext(headersOf(reader, message), ctx);
  if (headers === undefined) return;
  try {
    reader.setHeaders(message, headers);
  } catch (error) {
    diag.debug('fanin: a message is read-only; its trace context was not injected', error);
  }
}

/**
 * Runs `send` inside the send span, after telling `onSent` which creation
 * contexts went out (a transaction records them), and ends the span when the
 * send settles; a failure is recorded and handed back unchanged.
 */
export function traceSend<S extends TracingSettings, M, R>(
  settings: S | undefined,
  describe: (settings: S) => SendDescription<M>,
  send: () => R,
  onSent?: (sent: readonly SentMessage[]) => void,
): R {
  const started = settings && startSend(settings, describe);
  if (started === undefined) return send();
  if (onSent !== undefined) callHook('transaction recording', onSent, started.sent);
  return runInSpan(started.span, started.context, send, started.end, started.recordSent);
}

function countByDestination(sent: readonly SentMessage[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const { destination } of sent) counts.set(destination, (counts.get(destination) ?? 0) + 1);
  return counts;
}
