// `npm run soak [-- --messages N]`: the fault suite's soak (not in CI).
// 1,000,000 messages through kafkajs `eachBatch` and through amqplib
// `consumeBatch`, in-process, through fanin's real wrappers: a real kafkajs
// consumer whose `run` is captured (kafkajs/handler-capture.ts) hands back the
// handler as fanin wrapped it; a real amqplib channel on a simulated
// connection (instrumentation-amqplib's test-support) takes the deliveries.
// The heap is measured after a forced GC at the start and at the end
// (`--expose-gc`); the target is less than 2 MB of growth per library.
import { dirname, join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import {
  AmqplibInstrumentation,
  type AmqpMessage,
  type BatchChannel,
  consumeBatch,
} from '@fanin/instrumentation-amqplib';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { capturedRunConfig } from './kafkajs/captured-consumer';
import { eachBatchPayload, syntheticMessages } from './kafkajs/synthetic';
import { collectGarbage, heapUsed } from './measure/heap';
import { traceparentFor } from './traceparent';
import { installTracing, type Tracing } from './tracing/install';

const BATCH = 100;
const TARGET_BYTES = 2 * 1024 * 1024;
const MB = 1024 * 1024;

interface SoakResult {
  library: string;
  messages: number;
  heapStart: number;
  heapEnd: number;
  spansEnded: number;
  links: number;
}

/** A full collection, twice (the second frees what the first's finalizers released). */
async function settledHeap(tracing: Tracing): Promise<number> {
  await tracing.flush();
  for (let i = 0; i < 2; i++) {
    collectGarbage();
    await turn();
  }
  return heapUsed();
}

async function soakEachBatch(tracing: Tracing, messages: number): Promise<SoakResult> {
  let handled = 0;
  const config = await capturedRunConfig(() => new KafkaJsInstrumentation(), {
    eachBatch: async ({ batch }: EachBatchPayload) => {
      handled += batch.messages.length;
    },
  });
  const eachBatch = config.eachBatch;
  if (!eachBatch) throw new Error('no eachBatch handler');
  const batchOf = (first: number): KafkaMessage[] => syntheticMessages(BATCH, first, 1);
  // Warm up (JIT, the instrumentation's caches), then measure.
  for (let b = 0; b < 50; b++) await eachBatch(eachBatchPayload(batchOf(b * BATCH)));
  const heapStart = await settledHeap(tracing);
  const before = tracing.counts();
  handled = 0;
  for (let first = 0; first < messages; first += BATCH) {
    await eachBatch(eachBatchPayload(batchOf(first)));
    if (first % (BATCH * 1_000) === 0) await tracing.flush();
  }
  const heapEnd = await settledHeap(tracing);
  if (handled !== messages) throw new Error(`eachBatch handled ${handled} of ${messages}`);
  const after = tracing.counts();
  return {
    library: 'kafkajs eachBatch',
    messages,
    heapStart,
    heapEnd,
    spansEnded: after.ended - before.ended,
    links: after.links - before.links,
  };
}

/** The part of instrumentation-amqplib's simulated channel (its test-support) the soak uses. */
interface Simulated {
  batchChannel: BatchChannel<AmqpMessage>;
  connection: { sent: unknown[] };
  deliver(tag: number, queue: string, options: { headers: Record<string, unknown> }): unknown;
}

/**
 * A real amqplib 0.10 channel (required by name, so fanin's hook patches it)
 * on instrumentation-amqplib's simulated connection: its test-support, which
 * the package's exports leave out, so it is required by path.
 */
function simulatedChannel(): Simulated {
  const testSupport = join(
    dirname(require.resolve('@fanin/instrumentation-amqplib')),
    'test-support',
  );
  const { amqplibByName } = require(join(testSupport, 'amqplib-copies.js'));
  const { SimulatedChannel } = require(join(testSupport, 'simulated-broker.js'));
  return new SimulatedChannel(amqplibByName(), 'promise') as Simulated;
}

async function soakConsumeBatch(tracing: Tracing, messages: number): Promise<SoakResult> {
  new AmqplibInstrumentation();
  const simulated = simulatedChannel();
  let handled = 0;
  await consumeBatch(
    simulated.batchChannel,
    'orders',
    { maxMessages: BATCH, maxWaitMs: 60_000 },
    (batch: AmqpMessage[]) => {
      handled += batch.length;
    },
  );
  let tag = 0;
  const deliverBatch = async () => {
    const target = handled + BATCH;
    for (let i = 0; i < BATCH; i++) {
      tag++;
      simulated.deliver(tag, 'orders', { headers: { traceparent: traceparentFor(tag, 2) } });
    }
    while (handled < target) await turn();
    // The simulated connection keeps every frame sent (the acks): not the code under test.
    simulated.connection.sent.length = 0;
  };
  for (let b = 0; b < 50; b++) await deliverBatch();
  const heapStart = await settledHeap(tracing);
  const before = tracing.counts();
  handled = 0;
  for (let first = 0; first < messages; first += BATCH) {
    await deliverBatch();
    if (first % (BATCH * 1_000) === 0) await tracing.flush();
  }
  const heapEnd = await settledHeap(tracing);
  if (handled !== messages) throw new Error(`consumeBatch handled ${handled} of ${messages}`);
  const after = tracing.counts();
  return {
    library: 'amqplib consumeBatch',
    messages,
    heapStart,
    heapEnd,
    spansEnded: after.ended - before.ended,
    links: after.links - before.links,
  };
}

function report(results: SoakResult[]): string {
  const lines = results.map((r) => {
    const growth = r.heapEnd - r.heapStart;
    return [
      r.library.padEnd(22),
      r.messages.toLocaleString('en-US').padStart(10),
      `${(r.heapStart / MB).toFixed(2)} MB`.padStart(11),
      `${(r.heapEnd / MB).toFixed(2)} MB`.padStart(11),
      `${growth >= 0 ? '+' : ''}${(growth / MB).toFixed(2)} MB`.padStart(11),
      r.spansEnded.toLocaleString('en-US').padStart(8),
      r.links.toLocaleString('en-US').padStart(11),
      growth < TARGET_BYTES ? 'ok' : 'OVER 2 MB',
    ].join('  ');
  });
  const header = [
    'soak'.padEnd(22),
    'messages'.padStart(10),
    'heap start'.padStart(11),
    'heap end'.padStart(11),
    'growth'.padStart(11),
    'spans'.padStart(8),
    'links'.padStart(11),
    'target < 2 MB',
  ].join('  ');
  return [header, ...lines].join('\n');
}

async function main(): Promise<number> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    process.stderr.write('the soak needs --expose-gc (npm run soak passes it)\n');
    return 1;
  }
  const at = process.argv.indexOf('--messages');
  const messages = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000;
  if (!Number.isInteger(messages) || messages < BATCH || messages % BATCH !== 0) {
    process.stderr.write(`--messages must be a multiple of ${BATCH}\n`);
    return 1;
  }
  const tracing = installTracing();
  const results = [
    await soakEachBatch(tracing, messages),
    await soakConsumeBatch(tracing, messages),
  ];
  process.stdout.write(
    `fanin soak: in-process, through fanin's wrappers of a real kafkajs consumer and a real amqplib channel\n${report(results)}\n`,
  );
  return results.every((r) => r.heapEnd - r.heapStart < TARGET_BYTES) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
