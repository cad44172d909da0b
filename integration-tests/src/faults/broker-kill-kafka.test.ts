// `kill -9` of a Kafka broker mid-stream, and its restart on the same ports
// and data, under a traced producer and an eachBatch consumer. The broker is
// the test's own, started with the local launcher (packages/brokers/src/kafka-local).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_KAFKA_VERSION } from '@fanin/brokers/dist/defaults';
import {
  isLocalKafkaRunning,
  type LocalKafkaRecord,
  restartLocalKafka,
  startLocalKafka,
  stopLocalKafka,
} from '@fanin/brokers/dist/kafka-local/launch';
import { findRepoRoot } from '@fanin/brokers/dist/paths';
import { trace } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import { uniqueName, waitFor } from '../kafka-fixture';
import { kafkaInstrumentation, tracing } from '../tracing';
import { EscapeWatch, FULL_RUN, printFigures } from './invariants';
import { commandLineOfPid } from './process-group';
import { ProcessedMessages } from './processed';

const TOTAL = FULL_RUN ? 12_000 : 3_000;
const PER_SEND = 100;
const log = (line: string) => console.log(`[kafka] ${line}`);
const root = findRepoRoot();

describe('kill -9 of a Kafka broker mid-stream, then its restart on the same ports and data', () => {
  let broker: LocalKafkaRecord | undefined;
  before(async () => {
    broker = await startLocalKafka({ root, version: DEFAULT_KAFKA_VERSION, detached: false, log });
  });
  after(async () => {
    if (broker) await stopLocalKafka(broker);
  });

  it('every processed message links its producer, nothing is left open, nothing unhandled', async () => {
    assert.ok(broker);
    let current: LocalKafkaRecord = broker;
    assert.equal(kafkaInstrumentation.isEnabled(), true);
    const kafka = new Kafka({
      clientId: 'fanin-faults-kill',
      brokers: current.brokers,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 40 },
    });
    const topic = uniqueName('fanin-kill');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    tracing.reset();
    const escapes = new EscapeWatch().start();
    const processed = new ProcessedMessages();
    let crashes = 0;
    let failedSends = 0;

    const consumer = kafka.consumer({ groupId: uniqueName('fanin-kill'), maxWaitTimeInMs: 100 });
    consumer.on(consumer.events.CRASH, () => crashes++);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          processed.note(String(message.value), message.headers?.traceparent);
        }
      },
    });

    const producer = kafka.producer();
    await producer.connect();
    const tracer = trace.getTracer('faults-upstream');
    const producing = (async () => {
      for (let first = 0; first < TOTAL; first += PER_SEND) {
        // Each send its own upstream request (trace); resent as a whole when the broker is gone.
        for (;;) {
          try {
            await tracer.startActiveSpan(`request ${first}`, async (request) => {
              try {
                const messages = Array.from({ length: PER_SEND }, (_, i) => ({
                  value: `m${first + i}`,
                }));
                await producer.send({ topic, messages });
              } finally {
                request.end();
              }
            });
            break;
          } catch {
            failedSends++;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await waitFor(() => processed.size >= TOTAL / 3, 'a third of the stream processed', 120_000);
    const processedAtKill = processed.size;
    const killed = current.pid;
    const killedCommand = commandLineOfPid(killed);
    process.kill(killed, 'SIGKILL');
    await waitFor(() => !isLocalKafkaRunning(current), 'the broker gone', 30_000);
    log(
      `killed -9 pid ${killed} (${killedCommand.includes('kafka.Kafka') ? 'kafka.Kafka' : killedCommand})`,
    );
    current = await restartLocalKafka(current, { root, detached: false, log });
    broker = current;
    await producing;
    await waitFor(() => processed.size === TOTAL, `${TOTAL} messages processed`, 180_000);
    await consumer.disconnect();
    await producer.disconnect();
    await waitFor(() => tracing.openSpans().length === 0, 'every span ended', 10_000).catch(
      () => {},
    );
    escapes.stop();

    const spans = tracing.spans();
    const unlinked = processed.unlinked(spans);
    const linked = processed.size - unlinked.length;
    printFigures('Kafka kill -9 and restart', {
      'messages produced': TOTAL,
      'processed when killed': processedAtKill,
      'processed in all': processed.size,
      'deliveries (with redeliveries)': processed.deliveries,
      'processed messages linked to their producer': linked,
      'sends that failed while the broker was down': failedSends,
      'consumer crashes (restarted)': crashes,
      'broker on the same port after the restart': current.brokers.join(','),
      'spans started': tracing.startedCount(),
      'spans left open': tracing.openSpans().length,
      'unhandled errors': escapes.escaped.length,
    });
    assert.ok(processedAtKill < TOTAL, 'the kill landed mid-stream');
    assert.ok(killedCommand.includes('kafka.Kafka'), 'the pid killed was the broker started here');
    assert.deepEqual(unlinked.slice(0, 5), [], 'processed messages whose producer is not linked');
    assert.equal(linked, TOTAL);
    assert.equal(tracing.openSpans().length, 0, 'spans left open');
    assert.equal(tracing.startedCount(), spans.length);
    assert.deepEqual(escapes.escaped, []);
  });
});
