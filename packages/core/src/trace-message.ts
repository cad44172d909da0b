import { type Attributes, diag, type Span } from '@opentelemetry/api';
import { checkRecordingSetup } from './diagnostics';
import { sharedExtractor } from './extract';
import { attributesOf, headersOf, type MessageReader } from './message-reader';
import { type MessageSpan, startMessageSpan } from './message-span';
import { onceRecording } from './metrics';
import { consumerParent, type HookCall, writeOperationAttributes } from './operation';
import { callHook, runInSpan } from './run-in-span';
import { messagingSpanName } from './semconv';
import type { TracingSettings } from './settings';

/** One message handed to a single-message handler, as the adapter describes it. */
export interface MessageDescription<M> {
  /** The topic or queue: the span is `process {destination}`. */
  destination: string | undefined;
  message: M;
  reader: Pick<MessageReader<M>, 'headers' | 'spanAttributes'>;
  /** Attributes the adapter adds to the span beyond the reader's. */
  attributes?: Attributes;
  /** The user's hook for the message span. */
  hook?: HookCall<[Span]>;
}

/** A started span of one message. */
export interface ProcessingSpan extends MessageSpan {
  /** Records the message's metrics (consumed, processing time since start), once. */
  recordProcessed(errorType?: string): void;
}

/**
 * Starts the `process {destination}` span of one message, linked to its
 * producer and, with `messageContext: 'parent+link'` (the default), parented
 * to it; calls the hook. Never throws: on failure the message runs untraced.
 * The caller ends the span (see `traceMessage` for ending it with the handler).
 */
export function startMessage<S extends TracingSettings, M>(
  settings: S,
  describe: (settings: S) => MessageDescription<M>,
): ProcessingSpan | undefined {
  let started: MessageSpan | undefined;
  try {
    const startedAt = settings.metrics === undefined ? 0 : performance.now();
    const description = describe(settings);
    const { message, reader } = description;
    // The reader's object is a fresh one: the span's attributes are written into it.
    const attributes = writeOperationAttributes(
      attributesOf((m: M) => reader.spanAttributes(m), message),
      settings,
      'process',
      'process',
      description.destination,
    );
    if (description.attributes !== undefined) Object.assign(attributes, description.attributes);
    started = startMessageSpan(settings.tracer, {
      name: messagingSpanName('process', description.destination),
      attributes,
      headers: headersOf(reader, message),
      mode: settings.config.messageContext === 'link-only' ? 'link-only' : 'parent+link',
      parentContext: consumerParent(settings),
      extractor: sharedExtractor(settings, { datadogFallback: settings.links.readDatadogHeaders }),
      linkTraceState: settings.links.linkTraceState,
    });
    checkRecordingSetup(started.span);
    if (description.hook !== undefined) {
      callHook(description.hook.name, description.hook.call, started.span);
    }
    const processing = started as ProcessingSpan;
    processing.recordProcessed = onceRecording(settings.metrics, (metrics, errorType) => {
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.recordProcess(attributes, 1, seconds, errorType);
    });
    return processing;
  } catch (error) {
    started?.end();
    diag.error('fanin: could not start the message span; the message runs untraced', error);
    return undefined;
  }
}

/**
 * Runs `handler` inside the message's span and ends it when the handler
 * settles; a failure is recorded and handed back unchanged.
 */
export function traceMessage<S extends TracingSettings, M, R>(
  settings: S | undefined,
  describe: (settings: S) => MessageDescription<M>,
  handler: () => R,
): R {
  const started = settings && startMessage(settings, describe);
  if (started === undefined) return handler();
  return runInSpan(started.span, started.context, handler, started.end, started.recordProcessed);
}
