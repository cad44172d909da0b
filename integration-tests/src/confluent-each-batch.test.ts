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

/** Consumes `total` messages of `topic` with Confluent's client, in eachBatch. */
async function consumeWithConfluent(topic: string, total: number): Promise<Invocation[]> {
  const consumer = createConfluentKafka().consumer({
    kafkaJS: { groupId: uniqueName('fanin-confluent-group'), fromBeginning: true },
  });
  const invocations: Invocation[] = [];
  let received = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        invocations.push(invocationOf(batch));
        received += batch.messages.length;
      },
    });
    await waitFor(() => received >= total, `${total} messages on ${topic}`, 120_000);
  } finally {
    await consumer.disconnect();
  }
  return invocations;
}

/** Consumes `total` messages of `topic` with kafkajs, in eachBatch. */
async function consumeWithKafkaJs(topic: string, total: number): Promise<Invocation[]> {
  const consumer = createKafka().consumer({ groupId: uniqueName('fanin-kafkajs-group') });
  const invocations: Invocation[] = [];
  let received = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        invocations.push(invocationOf(batch));
        received += batch.messages.length;
      },
    });
    await waitFor(() => received >= total, `${total} messages on ${topic}`, 120_000);
  } finally {
    await consumer.disconnect();
  }
  return invocations;
}

async function connectedConfluentProducer(): Promise<KafkaJS.Producer> {
  const producer = createConfluentKafka().producer();
  await producer.connect();
  return producer;
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
  const byId = new Map(batches.map((span) => [span.spanContext().spanId, span]));
  for (const invocation of invocations) {
    const span = byId.get(invocation.activeSpanId ?? '');
    assert.ok(span, 'the handler ran in its batch span');
    assert.equal(span.attributes['messaging.system'], 'kafka');
    assert.equal(
      span.attributes['messaging.destination.partition.id'],
      String(invocation.partition),
    );
    const spill = spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);
    const links = new Map(
      [span, ...spill].flatMap((s) => s.links).map((link) => [contextKey(link.context), link]),
    );
    for (const message of invocation.messages) {
      const link = links.get(producerKeyOf(message.traceparent) ?? '');
      assert.ok(link, `offset ${message.offset} is linked`);
      assert.equal(link.attributes?.['messaging.kafka.offset'], Number(message.offset));
      assert.equal(
        link.attributes?.['messaging.destination.partition.id'],
        String(invocation.partition),
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
    const producer = await connectedConfluentProducer();
    try {
      sent = await produceTraces(
        (messages) => producer.send({ topic, messages: messages as KafkaJS.Message[] }),
        TRACES,
        PER_TRACE,
      );
    } finally {
      await producer.disconnect();
    }
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
    const producer = await connectedConfluentProducer();
    let sent: Set<string>;
    try {
      sent = await produceTraces(
        (messages) => producer.send({ topic, messages: messages as KafkaJS.Message[] }),
        TRACES,
        PER_TRACE,
      );
    } finally {
      await producer.disconnect();
    }
    const invocations = await consumeWithKafkaJs(topic, TOTAL);
    assertFanIn(tracing.spans(), topic, sent, invocations);
  });
});
