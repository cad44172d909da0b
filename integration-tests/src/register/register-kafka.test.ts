// `node --import @fanin/register kafka-worker.mjs` (and `-r`, which registers the
// import hook too for an ES module entry point): an ES module worker with no
// OpenTelemetry code, against the real Kafka, exporting to an OTLP receiver
// (http/protobuf, http/json). The worker handles neither SIGTERM nor SIGINT:
// @fanin/register flushes there (nothing is exported before: the export
// delays are long), and the process then ends by the signal, as it would have
// without it. Then the same
// worker with OTEL_SDK_DISABLED=true: it works, and nothing is exported or warned.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import type { Message } from 'kafkajs';
import { type FakeOtlpReceiver, startFakeOtlpReceiver } from '../datadog/fake-otlp-receiver';
import {
  connectedProducer,
  createKafka,
  createTopic,
  producerKeyOf,
  uniqueName,
} from '../kafka-fixture';
import {
  attributeOf,
  batchMessageCount,
  batchSpans,
  linkKeys,
  metricTotal,
  transcript,
} from './received';
import { EXAMPLES, startWorker, type WorkerExit } from './worker-run';

const TRACES = 6;
const MESSAGES_PER_TRACE = 5;
const TOTAL = TRACES * MESSAGES_PER_TRACE;
const WORKER = join(EXAMPLES, 'kafka-worker.mjs');

/** Sends TOTAL messages from TRACES upstream requests; returns the producer of each. */
async function sendOrders(topic: string): Promise<Set<string>> {
  const kafka = createKafka('register-upstream');
  await createTopic(kafka, topic, 1);
  const producer = await connectedProducer(kafka);
  const keys = new Set<string>();
  const tracer = trace.getTracer('register-upstream');
  try {
    for (let t = 0; t < TRACES; t++) {
      await tracer.startActiveSpan(`checkout ${t}`, async (request) => {
        const messages: Message[] = Array.from({ length: MESSAGES_PER_TRACE }, (_, m) => ({
          value: `order ${t}-${m}`,
        }));
        await producer.send({ topic, messages });
        for (const message of messages) {
          const key = producerKeyOf(String(message.headers?.traceparent));
          assert.ok(key, 'the upstream producer injected a traceparent');
          keys.add(key);
        }
        request.end();
      });
    }
  } finally {
    await producer.disconnect();
  }
  return keys;
}

const RUNS = [
  {
    flag: '--import',
    protocol: 'http/protobuf',
    contentType: 'application/x-protobuf',
    signal: 'SIGTERM',
  },
  { flag: '-r', protocol: 'http/json', contentType: 'application/json', signal: 'SIGINT' },
] as const;

for (const run of RUNS)
  describe(`node ${run.flag} @fanin/register kafka-worker.mjs (ES module, ${run.protocol}, ${run.signal})`, () => {
    const topic = uniqueName('fanin-register');
    let receiver: FakeOtlpReceiver;
    let producers: Set<string>;
    let exportedBeforeSignal: string[] = [];
    let exit: WorkerExit;
    let stderr = '';

    before(async () => {
      receiver = await startFakeOtlpReceiver();
      producers = await sendOrders(topic);
      const worker = startWorker({
        flag: run.flag,
        worker: WORKER,
        env: {
          TOPIC: topic,
          GROUP_ID: uniqueName('fanin-register-group'),
          OTEL_SERVICE_NAME: 'orders-worker',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=register-test',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: run.protocol,
          OTEL_LOGS_EXPORTER: 'none',
          // Only the flush at the signal can deliver what the receiver gets.
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          OTEL_METRIC_EXPORT_INTERVAL: '600000',
        },
      });
      await worker.waitForProcessed(TOTAL);
      exportedBeforeSignal = [...receiver.paths];
      exit = await worker.stop(run.signal);
      stderr = worker.stderr;
    });

    after(async () => {
      await receiver?.close();
    });

    it(`exported nothing before ${run.signal}, then flushed spans and metrics at it`, () => {
      assert.deepEqual(exportedBeforeSignal, []);
      assert.ok(receiver.paths.includes('POST /v1/traces'), JSON.stringify(receiver.paths));
      assert.ok(receiver.paths.includes('POST /v1/metrics'), JSON.stringify(receiver.paths));
    });

    it(`then ended by ${run.signal}, as the worker does without @fanin/register`, () => {
      assert.deepEqual(exit, { code: null, signal: run.signal }, stderr);
    });

    it(`sent ${run.protocol}, from the service OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name`, () => {
      assert.deepEqual(new Set(receiver.contentTypes), new Set([run.contentType]));
      const resource = receiver.received[0]?.resource;
      assert.equal(attributeOf(resource, 'service.name'), 'orders-worker');
      assert.equal(attributeOf(resource, 'deployment.environment'), 'register-test');
    });

    it('received the fan-in batch spans: every message counted once, one link per producer', (t) => {
      for (const line of transcript(receiver, topic)) t.diagnostic(line);
      const batches = batchSpans(receiver, topic);
      assert.ok(batches.length > 0, 'batch spans arrived');
      assert.equal(batchMessageCount(batches), TOTAL);
      const links = linkKeys(batches);
      assert.equal(links.length, producers.size, 'one link per producer, none twice');
      assert.deepEqual(new Set(links), producers);
      for (const { span, scope } of batches) {
        assert.equal(scope, '@fanin/instrumentation-kafkajs');
        assert.equal(attributeOf(span.attributes, 'messaging.system'), 'kafka');
      }
    });

    it('received the messaging and fan-in metrics over OTLP', () => {
      const batches = batchSpans(receiver, topic).length;
      const consumed = metricTotal(receiver, 'messaging.client.consumed.messages', topic);
      assert.equal(consumed.value, TOTAL, JSON.stringify(consumed));
      const duration = metricTotal(receiver, 'messaging.process.duration', topic);
      assert.deepEqual([duration.kind, duration.unit, duration.count], ['histogram', 's', batches]);
      const perBatch = metricTotal(receiver, 'fanin.batch.messages', topic);
      assert.deepEqual(
        [perBatch.kind, perBatch.count, perBatch.value],
        ['histogram', batches, TOTAL],
      );
    });

    it('printed no fanin warning', () => {
      assert.equal(stderr.includes('FANIN_'), false, stderr);
    });
  });

describe('OTEL_SDK_DISABLED=true node --import @fanin/register kafka-worker.mjs', () => {
  const topic = uniqueName('fanin-register-disabled');
  let receiver: FakeOtlpReceiver;
  let exit: WorkerExit;
  let stderr = '';

  before(async () => {
    receiver = await startFakeOtlpReceiver();
    await sendOrders(topic);
    const worker = startWorker({
      flag: '--import',
      worker: WORKER,
      env: {
        TOPIC: topic,
        GROUP_ID: uniqueName('fanin-register-disabled-group'),
        OTEL_SDK_DISABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    await worker.waitForProcessed(TOTAL);
    exit = await worker.stop('SIGTERM');
    stderr = worker.stderr;
  });

  after(async () => {
    await receiver?.close();
  });

  it('processed every message, exported nothing, and printed nothing', () => {
    assert.deepEqual(receiver.paths, []);
    assert.equal(stderr, '');
  });

  it('ended by SIGTERM (no handler of @fanin/register in the way)', () => {
    assert.deepEqual(exit, { code: null, signal: 'SIGTERM' });
  });
});
