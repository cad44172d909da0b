// Consumers stopped in the middle of a batch: kafkajs `stop()`/`disconnect()`
// while eachBatch runs, amqplib channel and connection closes while a
// consumeBatch handler (or a consume callback's unacked deliveries) are in
// hand. Another consumer takes over; every message processed by either links
// its producer, every span ends, nothing is unhandled.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ATTR_FANIN_SETTLEMENT } from '@fanin/core';
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import { trace } from '@opentelemetry/api';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { amqplibMajors, connect, deleteQueue, uniqueQueue } from '../amqplib-fixture';
import { connectedProducer, createKafka, createTopic, uniqueName, waitFor } from '../kafka-fixture';
import { tracing } from '../tracing';
import { EscapeWatch, printFigures } from './invariants';
import { ProcessedMessages } from './processed';

const COUNT = 200;
const figures: Record<string, number> = {};
after(() => printFigures('consumers stopped mid-batch', figures));

const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

describe('kafkajs consumers stopped in the middle of eachBatch', () => {
  const kafka = createKafka('fanin-faults-stop');

  for (const how of ['stop', 'disconnect'] as const) {
    it(`consumer.${how}() mid-batch, another consumer of the group takes over: linked, nothing open`, async () => {
      const topic = uniqueName(`fanin-stop-${how}`);
      await createTopic(kafka, topic, 2);
      const producer = await connectedProducer(kafka);
      const tracer = trace.getTracer('faults-upstream');
      for (let t = 0; t < COUNT / 20; t++) {
        await tracer.startActiveSpan(`request ${t}`, async (request) => {
          await producer.send({
            topic,
            messages: Array.from({ length: 20 }, (_, m) => ({ value: `m${t * 20 + m}` })),
          });
          request.end();
        });
      }
      await producer.disconnect();
      tracing.reset();
      const escapes = new EscapeWatch().start();
      const processed = new ProcessedMessages();
      const groupId = uniqueName('fanin-stop');
      const inBatch = gate();
      const stopping = gate();
      const first = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
      await first.connect();
      await first.subscribe({ topic, fromBeginning: true });
      await first.run({
        eachBatch: async ({ batch }) => {
          inBatch.open();
          await stopping.opened;
          await new Promise((resolve) => setTimeout(resolve, 100));
          for (const message of batch.messages)
            processed.note(String(message.value), message.headers?.traceparent);
        },
      });
      await inBatch.opened;
      const stopped = first[how]();
      stopping.open();
      await stopped;
      const processedByFirst = processed.size;
      if (how === 'stop') await first.disconnect();
      const second = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
      await second.connect();
      await second.subscribe({ topic, fromBeginning: true });
      await second.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages)
            processed.note(String(message.value), message.headers?.traceparent);
        },
      });
      await waitFor(() => processed.size === COUNT, `${COUNT} messages processed`);
      await second.disconnect();
      escapes.stop();
      const spans = tracing.spans();
      figures[`kafkajs ${how}: processed by the stopped consumer`] = processedByFirst;
      figures[`kafkajs ${how}: processed in all`] = processed.size;
      figures[`kafkajs ${how}: spans left open`] = tracing.openSpans().length;
      assert.ok(processedByFirst > 0 && processedByFirst < COUNT, 'stopped mid-stream');
      assert.deepEqual(processed.unlinked(spans), []);
      assert.equal(tracing.openSpans().length, 0, 'spans left open');
      assert.equal(tracing.startedCount(), spans.length);
      assert.deepEqual(escapes.escaped, []);
    });
  }
});

const [copy] = amqplibMajors();
if (copy === undefined) throw new Error('no amqplib copy');

describe(`${copy.label} channels and connections closed with unacked deliveries`, () => {
  let connection: ChannelModel;
  before(async () => {
    connection = await connect(copy);
  });
  after(async () => {
    await connection.close();
  });

  async function publish(queue: string): Promise<void> {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false });
    const tracer = trace.getTracer('faults-upstream');
    for (let t = 0; t < COUNT / 20; t++) {
      tracer.startActiveSpan(`request ${t}`, (request) => {
        for (let m = 0; m < 20; m++)
          channel.sendToQueue(queue, Buffer.from('x'), { messageId: `m${t * 20 + m}` });
        request.end();
      });
    }
    await channel.waitForConfirms();
    await channel.close();
  }

  for (const what of ['channel', 'connection'] as const) {
    it(`the ${what} of a consumeBatch closed mid-batch: redelivered to the next consumer, linked, nothing open`, async () => {
      const queue = uniqueQueue(`stop-${what}`);
      await publish(queue);
      tracing.reset();
      const escapes = new EscapeWatch().start();
      const processed = new ProcessedMessages();
      const own = what === 'connection' ? await connect(copy) : connection;
      own.on('error', () => {});
      const channel = await own.createChannel();
      const inBatch = gate();
      const closing = gate();
      await consumeBatch(
        channel,
        queue,
        { maxMessages: 30, maxWaitMs: 50 },
        async (messages: ConsumeMessage[]) => {
          inBatch.open();
          await closing.opened;
          for (const message of messages) {
            processed.note(
              String(message.properties.messageId),
              message.properties.headers?.traceparent,
            );
          }
        },
      );
      await inBatch.opened;
      const closed = what === 'connection' ? own.close() : channel.close();
      closing.open();
      await closed;
      const processedBeforeClose = processed.size;
      const next = await connection.createChannel();
      await consumeBatch(
        next,
        queue,
        { maxMessages: 50, maxWaitMs: 50 },
        (messages: ConsumeMessage[]) => {
          for (const message of messages) {
            processed.note(
              String(message.properties.messageId),
              message.properties.headers?.traceparent,
            );
          }
        },
      );
      await waitFor(() => processed.size === COUNT, `${COUNT} messages processed`);
      await next.close();
      await deleteQueue(connection, queue);
      await waitFor(() => tracing.openSpans().length === 0, 'every span ended', 5_000).catch(
        () => {},
      );
      escapes.stop();
      const spans = tracing.spans();
      const closedBatches = spans.filter(
        (span) => span.attributes[ATTR_FANIN_SETTLEMENT] === 'channel_closed',
      ).length;
      figures[`consumeBatch, ${what} closed: processed before the close`] = processedBeforeClose;
      figures[`consumeBatch, ${what} closed: processed in all`] = processed.size;
      figures[`consumeBatch, ${what} closed: batch spans saying channel_closed`] = closedBatches;
      figures[`consumeBatch, ${what} closed: spans left open`] = tracing.openSpans().length;
      assert.ok(processedBeforeClose > 0 && processedBeforeClose < COUNT, 'closed mid-stream');
      assert.equal(closedBatches, 1, 'the batch in hand says its channel closed');
      assert.deepEqual(processed.unlinked(spans), []);
      assert.equal(tracing.openSpans().length, 0, 'spans left open');
      assert.equal(tracing.startedCount(), spans.length);
      assert.deepEqual(escapes.escaped, []);
    });

    it(`the ${what} of a consume callback closed with unacked deliveries: every delivery span ends`, async () => {
      const queue = uniqueQueue(`unacked-${what}`);
      await publish(queue);
      tracing.reset();
      const escapes = new EscapeWatch().start();
      const own = what === 'connection' ? await connect(copy) : connection;
      own.on('error', () => {});
      const channel = await own.createChannel();
      await channel.prefetch(25);
      let received = 0;
      await channel.consume(queue, (message) => {
        if (message !== null) received++;
      });
      await waitFor(() => received === 25, '25 deliveries in hand, unacked');
      assert.equal(tracing.openSpans().length, 25, 'a span per delivery in hand');
      await (what === 'connection' ? own.close() : channel.close());
      await waitFor(
        () => tracing.openSpans().length === 0,
        'the spans of the unacked deliveries ended',
        5_000,
      ).catch(() => {});
      escapes.stop();
      await deleteQueue(connection, queue);
      figures[`consume, ${what} closed: unacked deliveries`] = received;
      figures[`consume, ${what} closed: spans left open`] = tracing.openSpans().length;
      assert.equal(tracing.openSpans().length, 0, 'spans left open');
      assert.deepEqual(escapes.escaped, []);
    });
  }
});
