// The messaging metrics of the conventions and fanin's fan-in metrics,
// through an in-memory metric reader.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, testTraceparent } from '@fanin/test-utils';
import { trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MessageReader } from './message-reader';
import { resolveTracingSettings, type TracingConfig } from './settings';
import { traceBatch } from './trace-batch';
import { traceMessage } from './trace-message';
import { type OutgoingReader, traceSend } from './trace-send';

installTestTracing();

interface TestMessage {
  headers: Record<string, unknown>;
  topic?: string;
}

const reader: MessageReader<TestMessage> = {
  headers: (m) => m.headers,
  linkAttributes: () => ({}),
  spanAttributes: () => ({}),
};
const outgoing: OutgoingReader<TestMessage> = {
  destination: (m) => m.topic,
  headers: (m) => m.headers,
  setHeaders: (m, headers) => {
    m.headers = headers;
  },
  spanAttributes: () => ({}),
};

function metered(config: TracingConfig = {}) {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const settings = resolveTracingSettings(
    'kafka',
    trace.getTracer('metrics.test'),
    { maxLinksPerSpan: 2, ...config },
    provider.getMeter('metrics.test'),
  );
  const collect = async () => {
    await reader.forceFlush();
    const metrics = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    exporter.reset();
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    return {
      names: [...byName.keys()].sort(),
      points: (name: string) => (byName.get(name)?.dataPoints ?? []) as DataPoint<unknown>[],
      unit: (name: string) => byName.get(name)?.descriptor.unit,
    };
  };
  return { settings, collect };
}

/** The one histogram data point of a metric. */
function histogram(points: DataPoint<unknown>[]): Histogram {
  assert.equal(points.length, 1);
  return points[0]?.value as Histogram;
}

const fromProducers = (count: number): TestMessage[] =>
  Array.from({ length: count }, (_, n) => ({ headers: { traceparent: testTraceparent(n) } }));

describe('metrics', () => {
  it('a batch: consumed messages, processing time, and the fan-in figures', async () => {
    const { settings, collect } = metered();
    await traceBatch(
      settings,
      () => ({
        destination: 'orders',
        attributes: {
          'messaging.consumer.group.name': 'g',
          'messaging.destination.partition.id': '3',
        },
        messages: [...fromProducers(5), { headers: {} }],
        reader,
      }),
      async () => {},
    );
    const { names, points, unit } = await collect();
    assert.deepEqual(names, [
      'fanin.batch.messages',
      'fanin.batch.producers',
      'fanin.links.spilled',
      'fanin.messages.without_context',
      'messaging.client.consumed.messages',
      'messaging.process.duration',
    ]);
    const [consumed] = points('messaging.client.consumed.messages');
    assert.equal(consumed?.value, 6);
    assert.deepEqual(consumed?.attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'orders',
      'messaging.consumer.group.name': 'g',
      'messaging.destination.partition.id': '3',
    });
    assert.equal(unit('messaging.process.duration'), 's');
    const duration = histogram(points('messaging.process.duration'));
    assert.equal(duration.count, 1);
    assert.deepEqual(
      duration.buckets.boundaries,
      [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    );
    assert.equal(histogram(points('fanin.batch.messages')).sum, 6);
    assert.equal(histogram(points('fanin.batch.producers')).sum, 5);
    assert.equal(points('fanin.links.spilled')[0]?.value, 3);
    assert.equal(points('fanin.messages.without_context')[0]?.value, 1);
  });

  it('a failed handler: error.type on the processing metrics', async () => {
    const { settings, collect } = metered();
    await assert.rejects(
      traceBatch(
        settings,
        () => ({ destination: 'orders', messages: fromProducers(1), reader }),
        async () => {
          throw new TypeError('bad');
        },
      ),
    );
    const { points } = await collect();
    assert.equal(
      points('messaging.client.consumed.messages')[0]?.attributes['error.type'],
      'TypeError',
    );
  });

  it('a single message, and a send to two topics', async () => {
    const { settings, collect } = metered();
    traceMessage(
      settings,
      () => ({ destination: 'orders', message: fromProducers(1)[0] as TestMessage, reader }),
      () => {},
    );
    await traceSend(
      settings,
      () => ({
        messages: [
          { topic: 'a', headers: {} },
          { topic: 'a', headers: {} },
          { topic: 'b', headers: {} },
        ],
        reader: outgoing,
        operationName: 'send',
      }),
      async () => {},
    );
    const { points } = await collect();
    assert.equal(points('messaging.client.consumed.messages')[0]?.value, 1);
    assert.deepEqual(
      points('messaging.client.sent.messages').map((p) => [
        p.attributes['messaging.destination.name'],
        p.value,
      ]),
      [
        ['a', 2],
        ['b', 1],
      ],
    );
    const sendDuration = points('messaging.client.operation.duration');
    assert.equal(histogram(sendDuration).count, 1);
    assert.equal(sendDuration[0]?.attributes['messaging.operation.name'], 'send');
  });

  it('one consumed count per attribute set, however many messages share it', async () => {
    const { settings, collect } = metered();
    const onPartition = (partition: string | undefined): MessageReader<TestMessage> => ({
      ...reader,
      spanAttributes: () =>
        partition === undefined ? {} : { 'messaging.destination.partition.id': partition },
    });
    const consume = (partition: string | undefined, fail = false) =>
      traceMessage(
        settings,
        () => ({ destination: 'orders', message: { headers: {} }, reader: onPartition(partition) }),
        () => {
          if (fail) throw new Error('handler failed');
        },
      );
    for (const partition of ['0', '1', '0', '0', '', undefined]) consume(partition);
    assert.throws(() => consume('1', true), /handler failed/);
    const { points } = await collect();
    const counts = points('messaging.client.consumed.messages').map((p) => [
      p.attributes['messaging.destination.partition.id'],
      p.attributes['error.type'],
      p.value,
    ]);
    assert.deepEqual(counts, [
      ['0', undefined, 3],
      ['1', undefined, 1],
      ['', undefined, 1],
      [undefined, undefined, 1],
      ['1', 'Error', 1],
    ]);
    const durations = points('messaging.process.duration').map((p) => (p.value as Histogram).count);
    assert.deepEqual(durations, [3, 1, 1, 1, 1]);
  });

  it('nothing with recordMetrics: false', async () => {
    const { settings, collect } = metered({ recordMetrics: false });
    traceBatch(
      settings,
      () => ({ destination: 'orders', messages: fromProducers(2), reader }),
      () => {},
    );
    assert.deepEqual((await collect()).names, []);
  });
});
