// The program dd-harness.ts runs in a child process, after dd-init.ts started
// Datadog's tracer (dd-trace) and registered its OpenTelemetry bridge. It
// reads one job (JSON) from stdin, does it, waits for dd-trace to deliver, and
// prints its result as one JSON line after RESULT_MARKER.
import { ddSpanLinksLength, isDatadogBridgeTracerProvider } from '@fanin/core/adapter';
import {
  context,
  createTraceState,
  type Link,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { flushTraces, tracer } from './dd-init';
import { type ChildJob, RESULT_MARKER } from './dd-job';
import { runDatadogProducersBatch, runFaninBatches } from './fanin-batch-run';
import { type LinkScenario, scenarioLinks, scenarioName } from './link-scenarios';

interface DdSpanContext {
  toTraceId(wide?: boolean): string;
  toSpanId(wide?: boolean): string;
  _trace: { tags: Record<string, string> };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function bridgeFacts() {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => object };
  const delegate = proxy.getDelegate?.() ?? proxy;
  const otelTracer = trace.getTracer('fanin-dd-probe');
  const span = otelTracer.startSpan('bridge facts');
  const spanContext = span.spanContext() as unknown as Record<string, unknown>;
  span.end();
  return {
    proxyConstructor: proxy.constructor.name,
    delegateConstructor: delegate.constructor.name,
    delegateIsDdTracerProvider: delegate instanceof tracer.TracerProvider,
    globalDdtraceIsTracer: (globalThis as { _ddtrace?: unknown })._ddtrace === tracer,
    tracerConstructor: otelTracer.constructor.name,
    tracerHasTracerProvider: '_tracerProvider' in otelTracer,
    spanConstructor: span.constructor.name,
    spanHasDdSpan: '_ddSpan' in span,
    spanContextHasDdContext: '_ddContext' in spanContext,
    isDatadogBridgeTracerProvider: isDatadogBridgeTracerProvider(),
  };
}

function makeLinkSpans(scenarios: LinkScenario[]) {
  const otelTracer = trace.getTracer('fanin-dd-probe');
  return scenarios.map((scenario) => {
    const links = scenarioLinks(scenario);
    const span = otelTracer.startSpan(scenarioName(scenario), {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
    });
    span.end();
    return {
      name: scenarioName(scenario),
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      linkCount: links.length,
      predictedLength: ddSpanLinksLength(links),
      tracestates: [...new Set(links.map((link) => link.context.traceState?.serialize()))],
    };
  });
}

function injectDatadogHeaders() {
  const cases: { name: string; tags: Record<string, unknown>; child?: boolean }[] = [
    { name: 'produce default', tags: {} },
    { name: 'produce manual.keep', tags: { 'manual.keep': true } },
    { name: 'produce manual.drop', tags: { 'manual.drop': true } },
    { name: 'produce child span', tags: {}, child: true },
  ];
  return cases.map(({ name, tags, child }) => {
    const root = child ? tracer.startSpan(`${name} parent`) : undefined;
    const span = tracer.startSpan(name, {
      tags: { 'span.kind': 'producer', ...tags },
      ...(root ? { childOf: root } : {}),
    });
    // What dd-trace's kafkajs plugin does for every message it sends.
    const carrier: Record<string, string> = {};
    tracer.inject(span, 'text_map', carrier);
    const context = span.context() as unknown as DdSpanContext;
    span.finish();
    root?.finish();
    return {
      name,
      carrier,
      traceIdDecimal: context.toTraceId(),
      traceIdHex: context.toTraceId(true),
      spanIdDecimal: context.toSpanId(),
      spanIdHex: context.toSpanId(true),
      traceIdHigh: context._trace.tags['_dd.p.tid'],
    };
  });
}

/**
 * Spans linking to `count` spans of this process (as a transaction span links
 * to the producer spans sent inside it): roots, children, and children of a
 * remote W3C context with a tracestate. The links are sized at span start,
 * before dd-trace has decided the linked traces' sampling; the linked spans
 * end before the linking span (as in a transaction) or after it.
 */
function makeLocalLinkSpans(counts: number[]) {
  const otelTracer = trace.getTracer('fanin-dd-probe');
  const remote = trace.setSpanContext(context.active(), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
    isRemote: true,
    traceState: createTraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
  });
  return counts.flatMap((count) =>
    (['linked spans end first', 'linking span ends first'] as const).map((order) => {
      const producers: Span[] = [];
      for (let i = 0; i < count; i++) {
        const parent =
          i % 3 === 1 && producers[0]
            ? trace.setSpan(context.active(), producers[0])
            : i % 3 === 2
              ? remote
              : undefined;
        producers.push(
          otelTracer.startSpan(`local producer ${i}`, { kind: SpanKind.PRODUCER }, parent),
        );
      }
      const links: Link[] = producers.map((producer, i) => ({
        context: producer.spanContext(),
        attributes: { 'messaging.kafka.offset': i, 'fanin.link.message_count': 1 },
      }));
      const predictedLength = ddSpanLinksLength(links);
      const name = `local links n=${count} ${order}`;
      const span = otelTracer.startSpan(name, { kind: SpanKind.CONSUMER, root: true, links });
      if (order === 'linking span ends first') span.end();
      for (const producer of producers) producer.end();
      span.end();
      return { name, order, linkCount: count, predictedLength };
    }),
  );
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as ChildJob;
  let result: unknown;
  if (job.task === 'links') {
    result = {
      bridge: bridgeFacts(),
      spans: makeLinkSpans(job.scenarios),
      localSpans: makeLocalLinkSpans(job.localLinkCounts ?? []),
    };
  } else if (job.task === 'fanin-datadog-producers') {
    result = {
      batch: await runDatadogProducersBatch(
        tracer as unknown as Parameters<typeof runDatadogProducersBatch>[0],
        job.datadogProducers,
        job.w3cProducers,
      ),
    };
  } else if (job.task === 'fanin-batches') {
    result = { batches: await runFaninBatches(job.scenarios) };
  } else result = { spans: injectDatadogHeaders() };
  await flushTraces();
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `dd-child failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});
