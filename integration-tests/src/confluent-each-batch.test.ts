// Confluent's client (its KafkaJS API) under fanin against the real broker:
// 1,000 messages from 50 producer traces into eachBatch, and messages crossing
// between Confluent's client and kafkajs both ways.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { contextKey, reachableLinks } from '@fanin/test-utils';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  confluentInstrumentation,
  confluentKafkaJs,
  createConfluentKafka,
} from './confluent-fixture';
import {
  connectedProducer,
  createKafka,
  createTopic,
  producerKeyOf,
  uniqueName,
  waitFor,
} from './kafka-fixture';
import { tracing } from './tracing';

const PARTITIONS = 4;

/** What one eachBatch call saw. */
interface Invocation {
  activeSpanId: string | undefined;
  partition: number;
  messages: Array<{ offset: string; traceparent: string | undefined }>;
}

/** A header value as either client hands it over (string, Buffer, or an array of them). */
function headerText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === null ? undefined : String(first);
}

/**
 * The traceparent fanin injected into a message given to `send`: kafkajs
 * leaves the headers object; Confluent's send turns it into librdkafka's
 * list of `{ key: value }` pairs.
 */
function sentTraceparent(headers: unknown): string | undefined {
  if (Array.isArray(headers)) {
    const pair = headers.find((entry) => entry && 'traceparent' in entry);
    return headerText(pair?.traceparent);
  }
  return headerText((headers as Record<string, unknown> | undefined)?.traceparent);
}

/**
 * Sends `traces` upstream requests of `perTrace` messages each, each request
 * its own trace: even ones in one call (a create span per message), odd ones
 * one by one. Returns the producer context of every message.
 */
async function produceTraces(
  send: (messages: Array<{ value: string; headers?: unknown }>) => Promise<unknown>,
  traces: number,
  perTrace: number,
): Promise<Set<string>> {
  const tracer = trace.getTracer('integration-producer');
  const keys = new Set<string>();
  for (let t = 0; t < traces; t++) {
    await tracer.startActiveSpan(`request ${t}`, async (request) => {
      const messages = Array.from({ length: perTrace }, (_, m) => ({
        value: `trace-${t}-message-${m}`,
      }));
      if (t % 2 === 0) await send(messages);
      else await Promise.all(messages.map((message) => send([message])));
      for (const message of messages) {
        const key = producerKeyOf(sentTraceparent((message as { headers?: unknown }).headers));
        assert.ok(key, 'the producer injected a traceparent');
        keys.add(key);
      }
      request.end();
    });
  }
  return keys;
}

function invocationOf(batch: {
  partition: number;
  messages: Array<{ offset: string; headers?: unknown }>;
}): Invocation {
  return {
    activeSpanId: trace.getSpan(context.active())?.spanContext().spanId,
    partition: batch.partition,
    messages: batch.messages.map((message) => ({
      offset: message.offset,
      traceparent: headerText(
        (message.headers as Record<string, unknown> | undefined)?.traceparent,
      ),
    })),
  };
}

/** The part of either client's consumer these tests use. */
interface BatchConsumer {
  connect(): Promise<void>;
  run(config: {
    eachBatch: (payload: { batch: Parameters<typeof invocationOf>[0] }) => Promise<void>;
  }): Promise<void>;
  disconnect(): Promise<void>;
}

/** Runs `consumer` (subscribed by `subscribe`) until `total` messages went through eachBatch. */
async function consumeAll(
  consumer: BatchConsumer,
  subscribe: () => Promise<void>,
  total: number,
): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  let received = 0;
  await consumer.connect();
  try {
    await subscribe();
    await consumer.run({
      eachBatch: async ({ batch }) => {
        invocations.push(invocationOf(batch));
        received += batch.messages.length;
      },
    });
    await waitFor(() => received >= total, `${total} messages`, 120_000);
  } finally {
    await consumer.disconnect();
  }
  return invocations;
}

function consumeWithConfluent(topic: string, total: number): Promise<Invocation[]> {
  const consumer = createConfluentKafka().consumer({
    kafkaJS: { groupId: uniqueName('fanin-confluent-group'), fromBeginning: true },
  });
  return consumeAll(
    consumer as unknown as BatchConsumer,
    () => consumer.subscribe({ topics: [topic] }),
    total,
  );
}

function consumeWithKafkaJs(topic: string, total: number): Promise<Invocation[]> {
  const consumer = createKafka().consumer({ groupId: uniqueName('fanin-kafkajs-group') });
  return consumeAll(
    consumer as unknown as BatchConsumer,
    () => consumer.subscribe({ topic, fromBeginning: true }),
    total,
  );
}

/** `produceTraces` through a Confluent producer. */
async function produceWithConfluent(
  topic: string,
  traces: number,
  perTrace: number,
): Promise<Set<string>> {
  const producer = createConfluentKafka().producer();
  await producer.connect();
  try {
    return await produceTraces(
      (messages) => producer.send({ topic, messages: messages as KafkaJS.Message[] }),
      traces,
      perTrace,
    );
  } finally {
    await producer.disconnect();
  }
}

const batchSpansOf = (spans: ReadableSpan[], topic: string) =>
  spans.filter((span) => span.name === `process ${topic}` && span.kind === SpanKind.CONSUMER);

/** Every producer reached exactly once from the batch spans, and the links' offsets and partitions. */
function assertFanIn(
  spans: ReadableSpan[],
  topic: string,
  sent: Set<string>,
  invocations: Invocation[],
): void {
  const batches = batchSpansOf(spans, topic);
  assert.equal(batches.length, invocations.length, 'one span per eachBatch call');
  const reached = batches.flatMap((span) => reachableLinks(span, spans));
  assert.equal(reached.length, sent.size, 'each producer reached once');
  assert.deepEqual(new Set(reached), sent);
  // Where each producer's message was consumed, and where its link says it was.
  const consumedAt = new Map<string | undefined, string>();
  for (const { partition, messages } of invocations) {
    for (const { offset, traceparent } of messages) {
      consumedAt.set(producerKeyOf(traceparent), `${partition}/${offset}`);
    }
  }
  const ran = new Set(invocations.map(({ activeSpanId }) => activeSpanId));
  for (const span of batches) {
    assert.ok(ran.has(span.spanContext().spanId), 'a handler ran in this batch span');
    assert.equal(span.attributes['messaging.system'], 'kafka');
    const partition = span.attributes['messaging.destination.partition.id'];
    const spill = spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);
    for (const { context: linked, attributes } of [span, ...spill].flatMap((s) => s.links)) {
      assert.equal(attributes?.['messaging.destination.partition.id'], partition);
      assert.equal(
        `${partition}/${attributes?.['messaging.kafka.offset']}`,
        consumedAt.get(contextKey(linked)),
        'the link names the offset and partition of its message',
      );
    }
  }
}

describe("Confluent's client: eachBatch against a real broker", () => {
  const TRACES = 50;
  const PER_TRACE = 20;
  const TOTAL = TRACES * PER_TRACE;
  const topic = uniqueName('fanin-confluent-batch');
  let sent = new Set<string>();
  let invocations: Invocation[] = [];
  let spans: ReadableSpan[] = [];

  before(async () => {
    tracing.reset();
    const { Kafka } = confluentKafkaJs();
    assert.equal(confluentInstrumentation.isEnabled(), true);
    assert.ok(isWrapped(Kafka.prototype.consumer), 'the client was patched when it was loaded');
    await createTopic(createKafka(), topic, PARTITIONS);
    sent = await produceWithConfluent(topic, TRACES, PER_TRACE);
    invocations = await consumeWithConfluent(topic, TOTAL);
    spans = tracing.spans();
  });

  it('sent 1,000 messages from 50 traces, each with its own producer context', () => {
    assert.equal(sent.size, TOTAL);
    const producers = spans.filter((span) => span.kind === SpanKind.PRODUCER);
    assert.equal(new Set(producers.map((span) => span.spanContext().traceId)).size, TRACES);
  });

  it('records one process span per eachBatch call, reaching every producer exactly once', () => {
    assertFanIn(spans, topic, sent, invocations);
    const counted = batchSpansOf(spans, topic).reduce(
      (sum, span) => sum + Number(span.attributes['messaging.batch.message_count']),
      0,
    );
    assert.equal(counted, TOTAL);
    for (const span of spans) assert.ok(span.links.length <= 128);
    console.log(
      `[confluent] ${TOTAL} messages from ${TRACES} traces: ${sent.size} producers linked from ` +
        `${batchSpansOf(spans, topic).length} batch spans`,
    );
  });
});

describe("messages crossing between kafkajs and Confluent's client", () => {
  const TRACES = 10;
  const PER_TRACE = 10;
  const TOTAL = TRACES * PER_TRACE;

  it("links a kafkajs producer's messages from Confluent's eachBatch", async () => {
    tracing.reset();
    const topic = uniqueName('fanin-kafkajs-to-confluent');
    const kafka = createKafka();
    await createTopic(kafka, topic, PARTITIONS);
    const producer = await connectedProducer(kafka);
    let sent: Set<string>;
    try {
      sent = await produceTraces(
        (messages) => producer.send({ topic, messages: messages as Array<{ value: string }> }),
        TRACES,
        PER_TRACE,
      );
    } finally {
      await producer.disconnect();
    }
    const invocations = await consumeWithConfluent(topic, TOTAL);
    assertFanIn(tracing.spans(), topic, sent, invocations);
  });

  it("links a Confluent producer's messages from kafkajs's eachBatch", async () => {
    tracing.reset();
    const topic = uniqueName('fanin-confluent-to-kafkajs');
    await createTopic(createKafka(), topic, PARTITIONS);
    const sent = await produceWithConfluent(topic, TRACES, PER_TRACE);
    const invocations = await consumeWithKafkaJs(topic, TOTAL);
    assertFanIn(tracing.spans(), topic, sent, invocations);
  });
});
