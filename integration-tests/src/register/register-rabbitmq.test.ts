// `node -r @fanin/register rabbitmq-worker.cjs` and `node --import ...` of the same
// CommonJS worker, against the real RabbitMQ, exporting to an OTLP receiver.
// The worker handles SIGTERM itself (it finishes its batch and closes its
// connection): the process then ends by itself, with code 0, and
// @fanin/register flushes before it does. The ES module rabbitmq-exit-worker.mjs
// ends itself with process.exit(0) after awaiting @fanin/register's shutdown(). Each run also checks one of the
// variables the SDK reads (protocol, sampler, propagators) or fanin's own
// (FANIN_AUTO_INSTRUMENTATIONS).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel } from 'amqplib';
import { publishFromTraces, uniqueQueue } from '../amqplib-fixture';
import { rabbitmqUrlFromEnv } from '../brokers-env';
import { type FakeOtlpReceiver, startFakeOtlpReceiver } from '../datadog/fake-otlp-receiver';
import { tracing } from '../tracing';
import { batchMessageCount, batchSpans, linkKeys, metricTotal, transcript } from './received';
import { EXAMPLES, startWorker, type WorkerExit, type WorkerOptions } from './worker-run';

const TRACES = 8;
const MESSAGES_PER_TRACE = 10;
const TOTAL = TRACES * MESSAGES_PER_TRACE;
const WORKER = 'rabbitmq-worker.cjs';

interface Run {
  name: string;
  /** A file of packages/register/examples; rabbitmq-worker.cjs unless said. */
  worker?: string;
  flag: WorkerOptions['flag'];
  protocol: 'http/json' | 'http/protobuf';
  env?: Record<string, string>;
  /** Links expected on the batch spans: all producers, or none (contexts not readable). */
  linked: boolean;
  /** Whether spans are exported at all (a sampler may drop them). */
  spans: boolean;
  /** fanin.messages.without_context (a span that will not record reads no context: 0). */
  withoutContext: number;
}

const RUNS: Run[] = [
  {
    name: '-r, http/json',
    flag: '-r',
    protocol: 'http/json',
    linked: true,
    spans: true,
    withoutContext: 0,
  },
  {
    name: '--import, http/protobuf, FANIN_AUTO_INSTRUMENTATIONS=true',
    flag: '--import',
    protocol: 'http/protobuf',
    env: { FANIN_AUTO_INSTRUMENTATIONS: 'true' },
    linked: true,
    spans: true,
    withoutContext: 0,
  },
  {
    name: '-r, OTEL_PROPAGATORS=b3multi (the messages carry W3C traceparent only)',
    flag: '-r',
    protocol: 'http/json',
    env: { OTEL_PROPAGATORS: 'b3multi' },
    linked: false,
    spans: true,
    withoutContext: TOTAL,
  },
  {
    name: '--import, http/protobuf, shutdown() then process.exit(0)',
    worker: 'rabbitmq-exit-worker.mjs',
    flag: '--import',
    protocol: 'http/protobuf',
    linked: true,
    spans: true,
    withoutContext: 0,
  },
  {
    name: '-r, OTEL_TRACES_SAMPLER=always_off',
    flag: '-r',
    protocol: 'http/protobuf',
    env: { OTEL_TRACES_SAMPLER: 'always_off' },
    linked: false,
    spans: false,
    withoutContext: 0,
  },
];

const CONTENT_TYPE = { 'http/json': 'application/json', 'http/protobuf': 'application/x-protobuf' };

for (const run of RUNS) {
  const worker = run.worker ?? WORKER;
  describe(`node ${run.flag} @fanin/register ${worker}: ${run.name}`, () => {
    const queue = uniqueQueue('register');
    let connection: ChannelModel;
    let receiver: FakeOtlpReceiver;
    let producers: Set<string>;
    let exit: WorkerExit;
    let stderr = '';

    before(async () => {
      receiver = await startFakeOtlpReceiver();
      connection = await amqp.connect(rabbitmqUrlFromEnv());
      const setup = await connection.createChannel();
      await setup.assertQueue(queue, { durable: false });
      await setup.close();
      tracing.reset();
      const byMessage = await publishFromTraces(connection, queue, TRACES, MESSAGES_PER_TRACE, () =>
        tracing.spans(),
      );
      producers = new Set(byMessage.values());
      assert.equal(byMessage.size, TOTAL, 'every published message has its producer span');
      const started = startWorker({
        flag: run.flag,
        worker: join(EXAMPLES, worker),
        env: {
          QUEUE: queue,
          OTEL_SERVICE_NAME: 'rabbitmq-worker',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: run.protocol,
          OTEL_LOGS_EXPORTER: 'none',
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          OTEL_METRIC_EXPORT_INTERVAL: '600000',
          ...run.env,
        },
      });
      await started.waitForProcessed(TOTAL);
      exit = await started.stop('SIGTERM');
      stderr = started.stderr;
    });

    after(async () => {
      if (connection) {
        const channel = await connection.createChannel();
        await channel.deleteQueue(queue);
        await connection.close();
      }
      await receiver?.close();
    });

    it('ended with code 0 after its SIGTERM handler, flushed, printing no warning', (t) => {
      for (const line of transcript(receiver, queue)) t.diagnostic(line);
      assert.deepEqual(exit, { code: 0, signal: null }, stderr);
      assert.ok(receiver.paths.includes('POST /v1/metrics'), JSON.stringify(receiver.paths));
      assert.equal(stderr, '');
    });

    it(`sent ${run.protocol}`, () => {
      assert.deepEqual(new Set(receiver.contentTypes), new Set([CONTENT_TYPE[run.protocol]]));
    });

    if (run.spans) {
      it(
        run.linked
          ? 'received the batch spans with one link per producer'
          : 'received the batch spans without links (no context read)',
        () => {
          const batches = batchSpans(receiver, queue);
          assert.ok(batches.length > 0, 'batch spans arrived');
          assert.equal(batchMessageCount(batches), TOTAL);
          const links = linkKeys(batches);
          if (run.linked) {
            assert.equal(links.length, producers.size, 'one link per producer, none twice');
            assert.deepEqual(new Set(links), producers);
          } else {
            assert.deepEqual(links, []);
          }
          for (const { scope } of batches) assert.equal(scope, '@fanin/instrumentation-amqplib');
        },
      );
    } else {
      it('received no span (the sampler dropped them all)', () => {
        assert.deepEqual(receiver.received, []);
      });
    }

    it('received the messaging and fan-in metrics', () => {
      const consumed = metricTotal(receiver, 'messaging.client.consumed.messages', queue);
      assert.equal(consumed.value, TOTAL, JSON.stringify(consumed));
      const duration = metricTotal(receiver, 'messaging.process.duration', queue);
      assert.deepEqual([duration.kind, duration.unit], ['histogram', 's']);
      assert.ok(duration.count > 0);
      const perBatch = metricTotal(receiver, 'fanin.batch.messages', queue);
      assert.deepEqual([perBatch.kind, perBatch.value], ['histogram', TOTAL]);
      const withoutContext = metricTotal(receiver, 'fanin.messages.without_context', queue);
      assert.equal(withoutContext.value, run.withoutContext, JSON.stringify(withoutContext));
    });

    if (run.env?.FANIN_AUTO_INSTRUMENTATIONS) {
      it('started the other auto-instrumentations, but not the official amqplib one', () => {
        const scopes = new Set(receiver.received.map(({ scope }) => scope));
        assert.ok(scopes.has('@opentelemetry/instrumentation-net'), [...scopes].join(', '));
        assert.equal(scopes.has('@opentelemetry/instrumentation-amqplib'), false);
        assert.equal(scopes.has('@opentelemetry/instrumentation-kafkajs'), false);
      });
    }
  });
}
