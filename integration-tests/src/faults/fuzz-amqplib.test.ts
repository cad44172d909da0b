// Hostile header tables through real amqplib consumers traced by fanin
// (`channel.consume` and the `consumeBatch` helper), both amqplib majors,
// over a real RabbitMQ: the tables a broker carries are published (untraced,
// so what was sent is exactly the set), the other values replace a carried
// delivery's headers where amqplib dispatches it to fanin's callback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BatchConsumer, consumeBatch } from '@fanin/instrumentation-amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { amqplibMajors, connect, deleteQueue, uniqueQueue } from '../amqplib-fixture';
import { amqplibInstrumentation } from '../tracing';
import { FuzzLedger } from './fuzz-ledger';
import { runFuzz } from './fuzz-run';
import { type HeaderSet, HeaderSetSource } from './header-sets';
import { EscapeWatch, FULL_RUN, SEED, snapshotPrototypes } from './invariants';
import { type Delivery, installAmqplibSeam, untraced } from './seams';
import { amqpComparable, amqpDifference } from './wire-form';

const MAJORS = amqplibMajors();
/** Per major: the library's total is split between them. */
const TOTAL = (FULL_RUN ? 100_000 : 3_000) / MAJORS.length;
const indexOf = (message: { properties: { messageId?: unknown } }) =>
  Number(String(message.properties.messageId).slice('fuzz-'.length));

for (const [major, copy] of MAJORS.entries()) {
  describe(`${TOTAL.toLocaleString('en-US')} hostile header tables through ${copy.label} consume and consumeBatch`, () => {
    const queues = {
      consume: uniqueQueue('fuzz-consume'),
      consumeBatch: uniqueQueue('fuzz-batch'),
    };
    const prototypes = snapshotPrototypes();
    const escapes = new EscapeWatch();
    const userCodeErrors: unknown[] = [];
    const reachedLibrary: unknown[] = [];
    const channelErrors: unknown[] = [];
    const seed = SEED + major;
    const ledger = new FuzzLedger<Delivery>(
      {
        get: (m) => m.properties.headers,
        set: (m, h) => {
          m.properties.headers = h;
        },
      },
      seed,
      (set, headers) =>
        set.kind === 'wire' && amqpComparable(set.headers)
          ? amqpDifference(set.headers, headers)
          : 'not comparable',
    );
    let connection: ChannelModel;
    let publisher: Channel;
    let batchConsumer: BatchConsumer | undefined;
    let restoreSeam = () => {};

    before(async () => {
      assert.equal(amqplibInstrumentation.isEnabled(), true);
      escapes.start();
      restoreSeam = installAmqplibSeam(copy.root, {
        beforeHandler: (message) => ledger.atSeam(indexOf(message), message),
        handlerThrew: (error) => reachedLibrary.push(error),
      });
      connection = await connect(copy);
      connection.on('error', (error) => channelErrors.push(error));
      publisher = await connection.createChannel();
      publisher.on('error', (error) => channelErrors.push(error));
      for (const queue of Object.values(queues))
        await publisher.assertQueue(queue, { durable: false });
      const handle = (message: ConsumeMessage) => {
        try {
          ledger.handled(indexOf(message), message as unknown as Delivery);
        } catch (error) {
          userCodeErrors.push(error);
        }
      };
      const consuming = await connection.createChannel();
      consuming.on('error', (error) => channelErrors.push(error));
      await consuming.prefetch(200);
      await consuming.consume(queues.consume, (message) => {
        if (message === null) return;
        handle(message);
        consuming.ack(message);
      });
      const batching = await connection.createChannel();
      batching.on('error', (error) => channelErrors.push(error));
      batchConsumer = await consumeBatch(
        batching,
        queues.consumeBatch,
        { maxMessages: 100, maxWaitMs: 50 },
        async (messages: ConsumeMessage[]) => messages.forEach(handle),
      );
    });

    after(async () => {
      await batchConsumer?.cancel();
      for (const queue of Object.values(queues)) await deleteQueue(connection, queue);
      await connection?.close();
      restoreSeam();
      escapes.stop();
    });

    it('no exception into user code, every delivery handled unmodified, every span ended, every link valid, no pollution', async () => {
      await runFuzz({
        part: `amqplib ${copy.version} hostile header fuzz`,
        seed,
        total: TOTAL,
        source: new HeaderSetSource(seed, 'amqp'),
        ledger,
        prototypes,
        send: publishChunk,
        escaped: () => [...userCodeErrors, ...reachedLibrary, ...channelErrors, ...escapes.escaped],
        redeliveries: 'none',
      });
    });

    async function publishChunk(chunk: HeaderSet[], first: number): Promise<void> {
      const publish = untraced(publisher.publish);
      for (const [i, set] of chunk.entries()) {
        const index = first + i;
        ledger.expect(index, set);
        const queue = index % 2 === 0 ? queues.consume : queues.consumeBatch;
        const headers = set.kind === 'wire' ? set.headers : {};
        publish.call(publisher, '', queue, Buffer.from(`body ${index}`), {
          messageId: `fuzz-${index}`,
          headers,
        });
      }
      // A round trip: the broker has every publish of the channel before it answers.
      await publisher.checkQueue(queues.consume);
    }
  });
}
