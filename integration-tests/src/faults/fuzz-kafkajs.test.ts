// Hostile header sets through real kafkajs consumers (eachBatch and
// eachMessage) traced by fanin, over a real broker: the sets a broker
// carries are produced (by an untraced producer, so what was sent is exactly
// the set), the others replace a carried message's headers at the seam where
// kafkajs hands the batch to fanin's handler.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Consumer, Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { createKafka, createTopic, uniqueName } from '../kafka-fixture';
import { kafkaInstrumentation } from '../tracing';
import { FuzzLedger } from './fuzz-ledger';
import { runFuzz } from './fuzz-run';
import { type HeaderSet, HeaderSetSource } from './header-sets';
import { EscapeWatch, FULL_RUN, SEED, snapshotPrototypes } from './invariants';
import { installKafkaSeam, untraced } from './seams';
import { kafkaDifference } from './wire-form';

const TOTAL = FULL_RUN ? 100_000 : 3_000;
const PER_SEND = 100;
const indexOf = (message: KafkaMessage) => Number(message.value?.toString().slice('fuzz-'.length));

describe(`${TOTAL.toLocaleString('en-US')} hostile header sets through kafkajs eachBatch and eachMessage`, () => {
  const kafka = createKafka('fanin-faults-fuzz');
  const topics = {
    eachBatch: uniqueName('fanin-fuzz-batch'),
    eachMessage: uniqueName('fanin-fuzz-message'),
  };
  const prototypes = snapshotPrototypes();
  const escapes = new EscapeWatch();
  const crashes: unknown[] = [];
  const userCodeErrors: unknown[] = [];
  const reachedLibrary: unknown[] = [];
  const ledger = new FuzzLedger<KafkaMessage>(
    { get: (m) => m.headers, set: (m, h) => Object.assign(m, { headers: h }) },
    SEED,
    (set, headers) =>
      set.kind === 'wire' ? kafkaDifference(set.headers, headers) : 'not comparable',
  );
  let consumers: Consumer[] = [];
  let producer: Producer;
  let restoreSeam = () => {};

  before(async () => {
    assert.equal(kafkaInstrumentation.isEnabled(), true);
    escapes.start();
    restoreSeam = installKafkaSeam({
      beforeHandler: (message) => ledger.atSeam(indexOf(message), message),
      handlerThrew: (error) => reachedLibrary.push(error),
    });
    await createTopic(kafka, topics.eachBatch, 2);
    await createTopic(kafka, topics.eachMessage, 2);
    // An untraced producer: what goes out is exactly the generated set.
    producer = untraced(Kafka.prototype.producer).call(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
    const handle = (message: KafkaMessage) => {
      try {
        ledger.handled(indexOf(message), message);
      } catch (error) {
        userCodeErrors.push(error);
      }
    };
    for (const [style, topic] of Object.entries(topics)) {
      const consumer = kafka.consumer({ groupId: uniqueName('fanin-fuzz'), maxWaitTimeInMs: 100 });
      consumer.on(consumer.events.CRASH, (event) => crashes.push(event.payload.error));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run(
        style === 'eachBatch'
          ? { eachBatch: async ({ batch }) => batch.messages.forEach(handle) }
          : { eachMessage: async ({ message }) => handle(message) },
      );
      consumers.push(consumer);
    }
  });

  after(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    consumers = [];
    await producer?.disconnect();
    restoreSeam();
    escapes.stop();
  });

  it('no exception into user code, every message handled unmodified, every span ended, every link valid, no pollution', async () => {
    await runFuzz({
      part: 'kafkajs hostile header fuzz',
      seed: SEED,
      total: TOTAL,
      source: new HeaderSetSource(SEED, 'kafka'),
      ledger,
      prototypes,
      send: sendChunk,
      // Per-message spans (and keys) every other chunk.
      configure: (chunk) =>
        kafkaInstrumentation.setConfig({
          perMessageSpans: chunk % 2 === 1,
          captureMessageKey: chunk % 2 === 1,
        }),
      escaped: () => [...userCodeErrors, ...crashes, ...escapes.escaped, ...reachedLibrary],
      redeliveries: 'allowed',
    });
    kafkaInstrumentation.setConfig({});
  });

  async function sendChunk(chunk: HeaderSet[], first: number): Promise<void> {
    const messages = chunk.map((set, i): [string, Message] => {
      const index = first + i;
      ledger.expect(index, set);
      const topic = index % 2 === 0 ? topics.eachBatch : topics.eachMessage;
      return [
        topic,
        {
          key: `k${index}`,
          value: `fuzz-${index}`,
          headers: (set.kind === 'wire' ? set.headers : {}) as Message['headers'],
        },
      ];
    });
    const sends: Promise<unknown>[] = [];
    for (let at = 0; at < messages.length; at += PER_SEND) {
      const slice = messages.slice(at, at + PER_SEND);
      sends.push(
        producer.sendBatch({
          topicMessages: Object.values(topics).map((topic) => ({
            topic,
            messages: slice.filter(([t]) => t === topic).map(([, m]) => m),
          })),
        }),
      );
    }
    await Promise.all(sends);
  }
});
