// The program run-setup.ts starts with `node`, in a clean environment. It
// reads one Scenario (JSON) from stdin, sets tracing up as the scenario says,
// produces and consumes against the real brokers, and prints one JSON line
// after RESULT_MARKER. Nothing is required at the top but what cannot load
// kafkajs, amqplib or an instrumentation: the scenario decides the order.
import { RESULT_MARKER, type Scenario, type ScenarioResult, type WarningSeen } from './scenario';
import type { WorkloadResult } from './workload';

const warnings: WarningSeen[] = [];
process.on('warning', (warning: Error & { code?: string }) => {
  warnings.push({ name: warning.name, code: warning.code, message: warning.message });
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function recordDiag(): string[] {
  const { diag, DiagLogLevel } =
    require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const messages: string[] = [];
  const record = (message: string) => messages.push(message);
  diag.setLogger(
    { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  return messages;
}

function requireLibrary(scenario: Scenario): void {
  if (scenario.library === 'kafkajs') require('kafkajs');
  else require('amqplib');
}

function runWorkload(scenario: Scenario): Promise<WorkloadResult> {
  const size = { traces: scenario.traces, messagesPerTrace: scenario.messagesPerTrace };
  if (scenario.library === 'kafkajs') {
    const { runKafkaWorkload } = require('./kafka-workload') as typeof import('./kafka-workload');
    return runKafkaWorkload(size, scenario.clientsAtLoad === true);
  }
  const { runAmqpWorkload } = require('./amqp-workload') as typeof import('./amqp-workload');
  return runAmqpWorkload(size, scenario.consumer === 'consume' ? 'consume' : 'consumeBatch');
}

async function main(): Promise<void> {
  const scenario = JSON.parse(await readStdin()) as Scenario;
  const diagMessages = scenario.diagLogger ? recordDiag() : [];
  if (scenario.loadLibraryFirst) requireLibrary(scenario);
  const { setUpTracing } = require('./tracing-setup') as typeof import('./tracing-setup');
  const tracing = setUpTracing(scenario);
  const workload = await runWorkload(scenario);
  // Let process warnings emitted last (on the next tick) arrive.
  await new Promise((resolve) => setImmediate(resolve));
  const summary = require('./summarise') as typeof import('./summarise');
  const spans = tracing.spans();
  const result: ScenarioResult = {
    sent: workload.sent,
    consumed: workload.traceparents.length,
    producers: summary.producerKeys(workload).size,
    fanin: summary.faninSpansSeen(spans, scenario.library, workload),
    officialSpans: summary.officialSpans(spans, workload.destination),
    spansByScope: summary.spansByScope(spans),
    autoMessagingInstrumentations: tracing.autoMessagingInstrumentations,
    wrappers: summary.wrappers(scenario.library),
    warnings,
    diagMessages,
  };
  await tracing.shutdown();
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
