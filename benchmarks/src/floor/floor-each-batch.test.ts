import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { EachBatchHandler, KafkaMessage } from 'kafkajs';
import { eachBatchPayload } from '../kafkajs/synthetic';
import { floorEachBatch } from './floor-each-batch';

const exporter = new InMemorySpanExporter();
/** The sampler of the provider below; a test may swap it. */
let sampler: Sampler = new AlwaysOnSampler();
const provider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
  sampler: {
    shouldSample: (...args) => sampler.shouldSample(...args),
    toString: () => 'swappable',
  },
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

function message(offset: number, traceparent: unknown): KafkaMessage {
  return { offset: String(offset), value: Buffer.from('v'), headers: { traceparent } } as never;
}

const producer = (n: number) =>
  `00-${n.toString(16).padStart(32, 'a')}-${n.toString(16).padStart(16, 'b')}-01`;

async function run(
  messages: KafkaMessage[],
  linkAttributes: boolean,
  handler: EachBatchHandler = async () => {},
): Promise<ReadableSpan> {
  exporter.reset();
  await floorEachBatch(handler, { linkAttributes })(eachBatchPayload(messages));
  const spans = exporter.getFinishedSpans();
  assert.equal(spans.length, 1);
  return spans[0] as ReadableSpan;
}

describe('floorEachBatch', () => {
  const messages = [
    message(10, Buffer.from(producer(1))),
    message(11, producer(2)),
    message(12, Buffer.from(producer(1))),
    message(13, 'not a traceparent'),
    message(14, undefined),
  ];

  it('starts one CONSUMER span per call, named after the topic', async () => {
    const span = await run(messages, true);
    assert.equal(span.name, 'process orders');
    assert.equal(span.kind, SpanKind.CONSUMER);
  });

  it('links every distinct producer once, with the offset of its first message', async () => {
    const span = await run(messages, true);
    assert.deepEqual(
      span.links.map((link) => [link.context.spanId, link.attributes]),
      [
        ['bbbbbbbbbbbbbbb1', { 'messaging.kafka.offset': 10 }],
        ['bbbbbbbbbbbbbbb2', { 'messaging.kafka.offset': 11 }],
      ],
    );
    assert.equal(span.links[0]?.context.traceFlags, 1);
  });

  it('links without attributes when bare', async () => {
    const span = await run(messages, false);
    assert.equal(span.links.length, 2);
    for (const link of span.links) assert.equal(link.attributes, undefined);
  });

  it('runs the handler in the span context and ends the span once it settled', async () => {
    let active: string | undefined;
    let endedWhileRunning = true;
    const span = await run(messages, true, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      active = trace.getSpan(context.active())?.spanContext().spanId;
      endedWhileRunning = exporter.getFinishedSpans().length > 0;
    });
    assert.equal(active, span.spanContext().spanId);
    assert.equal(endedWhileRunning, false);
  });

  it('ends the span and rethrows when the handler rejects', async () => {
    exporter.reset();
    const failure = new Error('handler failed');
    const wrapped = floorEachBatch(
      async () => {
        throw failure;
      },
      { linkAttributes: true },
    );
    await assert.rejects(wrapped(eachBatchPayload(messages)), failure);
    assert.equal(exporter.getFinishedSpans().length, 1);
  });

  it('reads no header for a span that will not record, and still runs the handler', async () => {
    sampler = new AlwaysOffSampler();
    let reads = 0;
    const counted = message(20, producer(3));
    Object.defineProperty(counted, 'headers', {
      get: () => {
        reads++;
        return { traceparent: producer(3) };
      },
    });
    let ran = false;
    try {
      exporter.reset();
      await floorEachBatch(
        async () => {
          ran = true;
        },
        { linkAttributes: true },
      )(eachBatchPayload([counted]));
    } finally {
      sampler = new AlwaysOnSampler();
    }
    assert.equal(ran, true);
    assert.equal(reads, 0);
    assert.equal(exporter.getFinishedSpans().length, 0);
  });
});
