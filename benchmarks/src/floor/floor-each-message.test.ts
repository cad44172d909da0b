import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { EachMessageHandler, KafkaMessage } from 'kafkajs';
import { eachMessagePayload } from '../kafkajs/synthetic';
import { floorEachMessage } from './floor-each-message';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

const TRACE_ID = 'a'.repeat(31) + '1';
const SPAN_ID = 'b'.repeat(15) + '1';
const message = (traceparent: unknown): KafkaMessage =>
  ({ offset: '7', value: Buffer.from('v'), headers: { traceparent } }) as never;

async function run(
  traceparent: unknown,
  handler: EachMessageHandler = async () => {},
): Promise<ReadableSpan[]> {
  exporter.reset();
  await floorEachMessage(handler)(eachMessagePayload(message(traceparent)));
  return exporter.getFinishedSpans();
}

describe('floorEachMessage', () => {
  it('starts one CONSUMER span per message, parented to and linked with its producer', async () => {
    const [span, ...others] = await run(Buffer.from(`00-${TRACE_ID}-${SPAN_ID}-01`));
    assert.equal(others.length, 0);
    assert.equal(span?.name, 'process orders');
    assert.equal(span?.kind, SpanKind.CONSUMER);
    assert.equal(span?.spanContext().traceId, TRACE_ID);
    assert.equal(span?.parentSpanContext?.spanId, SPAN_ID);
    assert.deepEqual(
      span?.links.map((link) => [link.context.traceId, link.context.spanId]),
      [[TRACE_ID, SPAN_ID]],
    );
  });

  it('starts a new trace without a link when the header is missing or malformed', async () => {
    for (const traceparent of [
      undefined,
      'not a traceparent',
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
    ]) {
      const [span] = await run(traceparent);
      assert.notEqual(span?.spanContext().traceId, TRACE_ID);
      assert.equal(span?.parentSpanContext, undefined);
      assert.equal(span?.links.length, 0);
    }
  });

  it('records nothing for an unsampled producer, and still runs the handler', async () => {
    let ran = false;
    const spans = await run(`00-${TRACE_ID}-${SPAN_ID}-00`, async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.equal(spans.length, 0);
  });

  it('runs the handler in the span context and ends the span once it settled', async () => {
    let active: string | undefined;
    let endedWhileRunning = true;
    const [span] = await run(`00-${TRACE_ID}-${SPAN_ID}-01`, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      active = trace.getSpan(context.active())?.spanContext().spanId;
      endedWhileRunning = exporter.getFinishedSpans().length > 0;
    });
    assert.equal(active, span?.spanContext().spanId);
    assert.equal(endedWhileRunning, false);
  });

  it('records one messaging.process.duration point per message with metrics', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const wrapped = floorEachMessage(async () => {}, { meterProvider, groupId: 'g' });
    for (let i = 0; i < 3; i++) {
      await wrapped(eachMessagePayload(message(`00-${TRACE_ID}-${SPAN_ID}-01`)));
    }
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics[0]?.metrics[0];
    assert.equal(metric?.descriptor.name, 'messaging.process.duration');
    assert.equal(metric?.dataPoints.length, 1);
    const point = metric?.dataPoints[0] as { attributes: object; value: { count: number } };
    assert.equal(point.value.count, 3);
    assert.deepEqual(point.attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'orders',
      'messaging.consumer.group.name': 'g',
      'messaging.destination.partition.id': '0',
    });
    await meterProvider.shutdown();
  });

  it('ends the span and rethrows when the handler rejects', async () => {
    exporter.reset();
    const failure = new Error('handler failed');
    const wrapped = floorEachMessage(async () => {
      throw failure;
    });
    await assert.rejects(
      wrapped(eachMessagePayload(message(`00-${TRACE_ID}-${SPAN_ID}-01`))),
      failure,
    );
    assert.equal(exporter.getFinishedSpans().length, 1);
  });
});
