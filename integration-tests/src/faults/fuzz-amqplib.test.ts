// Hostile header tables through real amqplib consumers traced by fanin
// (`channel.consume` and the `consumeBatch` helper), both amqplib majors,
// over a real RabbitMQ: the tables a broker carries are published (untraced,
// so what was sent is exactly the set), the other values replace a carried
// delivery's headers where amqplib dispatches it to fanin's callback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { type BatchConsumer, consumeBatch } from '@fanin/instrumentation-amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { amqplibMajors, connect, deleteQueue, uniqueQueue, waitFor } from '../amqplib-fixture';
import { amqplibInstrumentation, tracing } from '../tracing';
import { FuzzLedger } from './fuzz-ledger';
import { type HeaderSet, HeaderSetSource } from './header-sets';
import {
  EscapeWatch,
  FULL_RUN,
  linkValidity,
  printFigures,
  prototypeChanges,
  SEED,
  snapshotPrototypes,
} from './invariants';
import { PROPAGATORS, useGlobalPropagator } from './propagators';
import { type Delivery, installAmqplibSeam, untraced } from './seams';
import { amqpComparable, amqpDifference } from './wire-form';

const MAJORS = amqplibMajors();
/** Per major: the library's total is split between them. */
const TOTAL = (FULL_RUN ? 100_000 : 3_000) / MAJORS.length;
const CHUNK = 1_000;
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
    const invalidLinkSamples: string[] = [];
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
    const spanFigures = { started: 0, ended: 0, open: 0, links: 0, invalidLinks: 0 };
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
      const source = new HeaderSetSource(seed, 'amqp');
      for (let first = 0, chunk = 0; first < TOTAL; first += CHUNK, chunk++) {
        const [, propagator] = PROPAGATORS[
          chunk % PROPAGATORS.length
        ] as (typeof PROPAGATORS)[number];
        useGlobalPropagator(propagator);
        tracing.reset();
        await publishChunk(source.take(Math.min(CHUNK, TOTAL - first)), first);
        await waitFor(() => ledger.outstanding() === 0, `chunk ${chunk} handled`, 60_000).catch(
          (error: Error) => {
            const seen = [
              ...userCodeErrors,
              ...reachedLibrary,
              ...channelErrors,
              ...escapes.escaped,
            ];
            throw new Error(
              `${error.message}: ${ledger.outstanding()} outstanding; errors: ${inspect(seen).slice(0, 2_000)}`,
            );
          },
        );
        // A consume span ends at the ack, a consumeBatch span after its multiple ack.
        await waitFor(
          () => tracing.openSpans().length === 0,
          `chunk ${chunk}'s spans ended`,
          10_000,
        ).catch(() => {});
        const spans = tracing.spans();
        spanFigures.started += tracing.startedCount();
        spanFigures.ended += spans.length;
        spanFigures.open += tracing.openSpans().length;
        const links = linkValidity(spans);
        spanFigures.links += links.links;
        spanFigures.invalidLinks += links.invalid;
        invalidLinkSamples.push(...links.samples);
      }
      useGlobalPropagator(PROPAGATORS[0]?.[1] as (typeof PROPAGATORS)[number][1]);
      const polluted = prototypeChanges(prototypes);
      const escaped = [...userCodeErrors, ...reachedLibrary, ...channelErrors, ...escapes.escaped];
      printFigures(`amqplib ${copy.version} hostile header fuzz`, {
        seed: String(seed),
        ...ledger.figures(),
        'exceptions into user code or amqplib': escaped.length,
        'spans started': spanFigures.started,
        'spans ended': spanFigures.ended,
        'spans left open': spanFigures.open,
        links: spanFigures.links,
        'invalid links': spanFigures.invalidLinks,
        'prototype properties changed': polluted.length,
      });
      assert.deepEqual(ledger.problems, [], 'deliveries modified');
      assert.deepEqual(escaped, []);
      assert.equal(ledger.counts.handled, TOTAL);
      assert.equal(ledger.counts.duplicates, 0);
      assert.equal(spanFigures.open, 0, 'spans left open');
      assert.equal(spanFigures.started, spanFigures.ended);
      // A delivery whose headers cannot be read at all may go untraced (it costs the span, never the message).
      assert.ok(
        spanFigures.started >= ledger.counts.wire / 2,
        'fanin traced the deliveries and batches',
      );
      assert.ok(spanFigures.links > 0, 'the valid contexts among the tables were linked');
      assert.deepEqual(invalidLinkSamples, [], 'invalid links');
      assert.deepEqual(polluted, [], 'prototypes changed');
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
