import { randomUUID } from 'node:crypto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Kafka, logLevel } from 'kafkajs';
import { Aggregator } from './aggregator';
import { Downstream } from './downstream';
import type { DemoOptions } from './options';
import { type OrderTotal, topicsFor } from './orders';
import { computeVerdict, drawPicture, type Verdict, verdictLine } from './report';
import { type ProducedOrder, runUpstream } from './upstream';

export interface DemoRun {
  verdict: Verdict;
  picture: string;
  produced: ProducedOrder[];
}

export interface DemoEnvironment {
  kafkaBrokers: string[];
  /** The finished spans so far (an in-memory exporter). */
  spans: () => ReadableSpan[];
  /** Makes sure every ended span has reached `spans()`. */
  flushSpans: () => Promise<void>;
  /** A progress line, replacing the previous one where the terminal allows. */
  progress: (line: string) => void;
  /** A line of its own (live aggregates). */
  print: (line: string) => void;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Upstream services → `orders` → aggregator(s) → `order-totals` → downstream,
 * for a bounded time; then every open window is flushed and the span graph
 * checked: each produced order linked from exactly one aggregate.
 */
export async function runDemo(options: DemoOptions, env: DemoEnvironment): Promise<DemoRun> {
  const runId = randomUUID().slice(0, 8);
  const topics = topicsFor(runId);
  const kafka = new Kafka({
    clientId: 'fanin-demo',
    brokers: env.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: topics.orders, numPartitions: options.partitions },
      { topic: topics.totals, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const onEmit = (total: OrderTotal) => {
    if (options.live) {
      env.print(
        `\n  ◆ aggregate ${total.customer} ${new Date(total.windowStart).toISOString().slice(11, 19)}: ${total.orders} orders`,
      );
    }
  };
  const aggregators = Array.from(
    { length: options.aggregators },
    () => new Aggregator(kafka, producer, topics, options.windowMs, `aggregator-${runId}`, onEmit),
  );
  const downstream = new Downstream(kafka, topics, `alerting-${runId}`);
  const produced: ProducedOrder[] = [];
  const consumed = () => aggregators.reduce((sum, a) => sum + a.stats.consumed, 0);
  const emitted = () => aggregators.reduce((sum, a) => sum + a.stats.emitted, 0);
  const started = Date.now();
  const progress = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    env.progress(
      `  [${String(seconds).padStart(3)}s] produced ${produced.length} · aggregated ${consumed()} · ` +
        `aggregates ${emitted()} · downstream ${downstream.received.length}`,
    );
  }, 1_000);
  try {
    await downstream.start();
    for (const aggregator of aggregators) await aggregator.start();
    await runUpstream(producer, topics, options, produced);
    await waitUntil(
      () => consumed() >= produced.length,
      'the aggregators to read every order',
      60_000,
    );
    for (const aggregator of aggregators) await aggregator.stop();
    await waitUntil(
      () => downstream.received.length >= emitted(),
      'downstream to read every total',
      60_000,
    );
  } finally {
    clearInterval(progress);
    await downstream.stop();
    await producer.disconnect();
  }
  await env.flushSpans();
  const spans = env.spans();
  return {
    verdict: computeVerdict(spans, produced, downstream.received),
    picture: drawPicture(spans, options.show),
    produced,
  };
}
