import { type Attributes, diag, type Span, SpanKind } from '@opentelemetry/api';
import { checkRecordingSetup } from './diagnostics';
import { ContextExtractor } from './extract';
import { type FanInSpan, startFanInSpan } from './fan-in-span';
import { collectLinks } from './links';
import type { MessageReader } from './message-reader';
import { withMessageSpans } from './message-span';
import { consumerParent, type HookCall, operationAttributes } from './operation';
import { callHook, runInSpan } from './run-in-span';
import { messagingSpanName } from './semconv';
import type { TracingSettings } from './settings';

/** One batch handed to a handler, as the adapter describes it. */
export interface BatchDescription<M> {
  /** The topic or queue: the span is `process {destination}`. */
  destination: string | undefined;
  /** The library's own attributes of the batch span (partition, consumer group, broker). */
  attributes?: Attributes;
  messages: readonly M[];
  reader: MessageReader<M>;
  /** The user's hook for the batch span. */
  batchHook?: HookCall<[Span]>;
  /** The user's hook for each per-message span (`perMessageSpans`). */
  messageHook?: HookCall<[Span, M]>;
}

/**
 * Starts the ONE `process {destination}` span of a batch, linked to the
 * producer of every message, with the totals, the spill spans and, when
 * configured, a child span per message; calls the hooks. Never throws: when
 * something fails, whatever was started is ended and the batch runs untraced.
 */
export function startBatchSpan<S extends TracingSettings, M>(
  settings: S,
  describe: (settings: S) => BatchDescription<M>,
): FanInSpan | undefined {
  let fanIn: FanInSpan | undefined;
  try {
    const batch = describe(settings);
    const name = messagingSpanName('process', batch.destination);
    const attributes = operationAttributes(settings, 'process', 'process', batch.destination);
    if (batch.attributes !== undefined) Object.assign(attributes, batch.attributes);
    fanIn = startFanInSpan(settings.tracer, {
      name,
      kind: SpanKind.CONSUMER,
      attributes,
      links: () => collectLinks(batch.messages, batch.reader, settings.links),
      limits: settings.limits,
      parentContext: consumerParent(settings),
    });
    checkRecordingSetup(fanIn.span);
    if (batch.batchHook !== undefined) {
      callHook(batch.batchHook.name, batch.batchHook.call, fanIn.span);
    }
    if (settings.config.perMessageSpans !== true || !fanIn.span.isRecording()) return fanIn;
    const { messageHook } = batch;
    return withMessageSpans(settings.tracer, fanIn, batch.messages, {
      name,
      attributes: operationAttributes(settings, 'process', 'process', batch.destination),
      reader: batch.reader,
      extractor: new ContextExtractor({ datadogFallback: settings.links.readDatadogHeaders }),
      linkTraceState: settings.links.linkTraceState,
      onStart:
        messageHook &&
        ((span, message) => callHook(messageHook.name, messageHook.call, span, message)),
    });
  } catch (error) {
    fanIn?.end();
    diag.error('fanin: could not start the batch span; the batch runs untraced', error);
    return undefined;
  }
}

/**
 * Runs `handler` inside the batch's span and ends it when the handler
 * settles; a failure is recorded and handed back unchanged. Without settings
 * (instrumentation disabled) the handler runs untraced. `describe` is called
 * only when tracing, inside the guard: an adapter's reading of a malformed
 * payload never reaches the user's code.
 */
export function traceBatch<S extends TracingSettings, M, R>(
  settings: S | undefined,
  describe: (settings: S) => BatchDescription<M>,
  handler: () => R,
): R {
  const fanIn = settings && startBatchSpan(settings, describe);
  if (fanIn === undefined) return handler();
  return runInSpan(fanIn.span, fanIn.context, handler, fanIn.end);
}
