import { type Attributes, diag, type Span, SpanKind } from '@opentelemetry/api';
import { checkRecordingSetup } from './diagnostics';
import { ContextExtractor } from './extract';
import { type FanInSpan, startFanInSpan } from './fan-in-span';
import { collectLinks } from './links';
import type { MessageReader } from './message-reader';
import { withMessageSpans } from './message-span';
import { metricAttributes, onceRecording } from './metrics';
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

/** A started batch span. */
export interface BatchSpan extends FanInSpan {
  /**
   * Records the batch's metrics (messages consumed, how long since the span
   * started, the fan-in figures), once; `errorType` when the handler failed.
   */
  recordProcessed(errorType?: string): void;
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
): BatchSpan | undefined {
  let fanIn: FanInSpan | undefined;
  try {
    const startedAt = settings.metrics === undefined ? 0 : performance.now();
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
    const started = fanIn;
    const recordProcessed = onceRecording(settings.metrics, (metrics, errorType) => {
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.recordProcess(attributes, batch.messages.length, seconds, errorType);
      metrics.recordFanIn(metricAttributes(attributes), batch.messages.length, started.totals);
    });
    if (settings.config.perMessageSpans !== true || !fanIn.span.isRecording()) {
      return { ...fanIn, recordProcessed };
    }
    const { messageHook } = batch;
    const withChildren = withMessageSpans(settings.tracer, fanIn, batch.messages, {
      name,
      attributes: operationAttributes(settings, 'process', 'process', batch.destination),
      reader: batch.reader,
      extractor: new ContextExtractor({ datadogFallback: settings.links.readDatadogHeaders }),
      linkTraceState: settings.links.linkTraceState,
      onStart:
        messageHook &&
        ((span, message) => callHook(messageHook.name, messageHook.call, span, message)),
    });
    return { ...withChildren, recordProcessed };
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
  const batch = settings && startBatchSpan(settings, describe);
  if (batch === undefined) return handler();
  return runInSpan(batch.span, batch.context, handler, batch.end, batch.recordProcessed);
}
