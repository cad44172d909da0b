import { floorEachBatch } from './floor/floor-each-batch';
import { floorEachMessage } from './floor/floor-each-message';
import { SYNTHETIC_GROUP } from './kafkajs/captured-consumer';
import type { Job, Mode, Sample, WorkerReport } from './model';
import { modeInfo } from './modes';
import { runAmqplibBatch, runAmqplibConsume } from './scenarios/amqplib-broker';
import { runConfluentBroker } from './scenarios/confluent-broker';
import type { Harness } from './scenarios/harness';
import { runKafkajsBroker } from './scenarios/kafkajs-broker';
import { runKafkajsEachBatchSynthetic } from './scenarios/kafkajs-each-batch-synthetic';
import { runKafkajsEachMessageSynthetic } from './scenarios/kafkajs-each-message-synthetic';
import { installTracing } from './tracing/install';
import { installMetrics } from './tracing/install-metrics';
import { instrument } from './tracing/instrumentations';
import { samplerFor } from './tracing/samplers';

/**
 * One job in a process of its own (started by main.ts with the job as its
 * argument): tracing is installed (with the row's sampler, if it has one),
 * the job's instrumentation (at most one) is registered before the client
 * library loads, and the samples go back to the parent over IPC.
 */
async function runJob(job: Job): Promise<Sample[]> {
  const mode = modeInfo(job.mode);
  const sampling = 'sampling' in job.params ? job.params.sampling : undefined;
  const tracing = installTracing(sampling && samplerFor(sampling, mode.linkAwareSampler));
  const { floor } = mode;
  if (floor && !floorModesOf(job).includes(job.mode)) {
    throw new Error(`${job.scenario} has no reference for mode ${job.mode}`);
  }
  const meterProvider = mode.metrics ? installMetrics() : undefined;
  const harness: Harness = {
    tracing,
    instrument: (library) =>
      instrument(library, mode.instrumentation, tracing.provider, meterProvider),
    wrapEachBatch: (handler) => (floor ? floorEachBatch(handler, floor) : handler),
    wrapEachMessage: (handler) =>
      floor
        ? floorEachMessage(handler, meterProvider && { meterProvider, groupId: groupOf(job) })
        : handler,
  };
  switch (job.scenario) {
    case 'kafkajs-each-batch-synthetic':
      return runKafkajsEachBatchSynthetic(harness, job.params);
    case 'kafkajs-each-message-synthetic':
      return runKafkajsEachMessageSynthetic(harness, job.params);
    case 'kafkajs-broker':
      return runKafkajsBroker(harness, job.params);
    case 'confluent-broker':
      return runConfluentBroker(harness, job.params);
    case 'amqplib-broker-batch':
      return runAmqplibBatch(harness, job.mode, job.params);
    case 'amqplib-broker-consume':
      return runAmqplibConsume(harness, job.params);
  }
}

/** The hand-written reference modes a job's scenario can run. */
function floorModesOf(job: Job): readonly Mode[] {
  switch (job.scenario) {
    case 'kafkajs-each-batch-synthetic':
    case 'confluent-broker':
      return ['floor', 'floor-bare'];
    case 'kafkajs-each-message-synthetic':
      return ['floor', 'floor-metrics'];
    case 'amqplib-broker-batch':
      return ['floor'];
    case 'kafkajs-broker':
      return job.params.handler === 'eachBatch'
        ? ['floor', 'floor-bare']
        : ['floor', 'floor-metrics'];
    case 'amqplib-broker-consume':
      return [];
  }
}

function groupOf(job: Job): string {
  return job.scenario === 'kafkajs-broker' ? job.params.groupId : SYNTHETIC_GROUP;
}

function report(message: WorkerReport): void {
  if (!process.send) {
    process.stdout.write(`${JSON.stringify(message)}\n`);
    process.exit(message.ok ? 0 : 1);
  }
  process.send(message, () => process.exit(message.ok ? 0 : 1));
}

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null;
if (!job) {
  process.stderr.write('usage: node dist/worker.js <job as JSON>\n');
  process.exit(2);
}
runJob(job).then(
  (samples) => report({ ok: true, samples }),
  (error: unknown) => report({ ok: false, error: String((error as Error)?.stack ?? error) }),
);
