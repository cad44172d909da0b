import { join } from 'node:path';
import { withBrokers } from '@fanin/brokers';
import { caseInfo, type RowKey } from './cases';
import { isCompleteRun, parseOptions, USAGE } from './options';
import { profileReport } from './profile/profile-report';
import { barChart } from './report/chart';
import { checkRows, type RowExpectation } from './report/checks';
import { markdownReport, type RunRecord } from './report/document';
import { describeMachine, loadAverage } from './report/machine';
import { RESULTS_DIR, writeResults } from './report/results-files';
import { summarise } from './report/summarise';
import { AMQP_BROKER_ROWS, runAmqpBrokerCases } from './runner/amqp-broker-cases';
import { Collector } from './runner/collector';
import { RunContext } from './runner/context';
import { runInProcessCases } from './runner/in-process-cases';
import { expectedInProcessMessages, samplingRatioOf } from './runner/in-process-rows';
import { KAFKA_BROKER_ROWS, runKafkaBrokerCases } from './runner/kafka-broker-cases';
import { FULL, QUICK, type RunSettings } from './settings';

const REPOSITORY = join(__dirname, '..', '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `npm run bench [-- options]`: runs every case (see cases.ts) in worker
 * processes, prints the tables, writes the results and exits non-zero when a
 * case failed or produced no counts.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const options = parseOptions(args);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const settings = options.quick ? QUICK : FULL;
  const kind = options.quick ? 'quick' : isCompleteRun(options) ? 'full' : 'partial';
  const startedAt = new Date();
  const runId = startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const machine = describeMachine();
  const collector = new Collector();
  const profileDir = options.cpuProf ? join(RESULTS_DIR, 'profiles', runId) : undefined;
  const context = new RunContext(settings, options, runId, collector, profileDir, log);
  log(`fanin benchmarks: ${kind} run ${runId}`);

  await runInProcessCases(context);
  const kafkaRows = context.selected(KAFKA_BROKER_ROWS);
  const amqpRows = context.selected(AMQP_BROKER_ROWS);
  if (kafkaRows.length > 0 || amqpRows.length > 0) {
    try {
      await withBrokers(
        async (brokers) => {
          machine.brokers = brokers.describe().split('\n');
          if (kafkaRows.length > 0) await runKafkaBrokerCases(context, brokers.kafkaBrokers);
          if (amqpRows.length > 0) {
            const version = await runAmqpBrokerCases(context, brokers.rabbitmqUrl);
            if (version) machine.brokers.push(`RabbitMQ ${version}`);
          }
        },
        { kafka: kafkaRows.length > 0, rabbitmq: amqpRows.length > 0, log },
      );
    } catch (error) {
      context.plan([...kafkaRows, ...amqpRows]);
      collector.failAll(
        [...kafkaRows, ...amqpRows],
        context.modesOf(),
        `brokers: ${String(error)}`,
      );
    }
  }

  machine.loadAverage.end = loadAverage();
  const rows = collector.results().map(summarise);
  const problems = checkRows(rows, (key) => expectation(key, settings));
  const record: RunRecord = {
    kind,
    runId,
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    args,
    machine,
    settings,
    rows,
    problems,
  };
  const profiles = profileDir
    ? `\n**CPU profiles** (${profileDir})\n\n${profileReport(profileDir, context.profiles, REPOSITORY)}\n`
    : '';
  const markdown = markdownReport(record) + profiles;
  process.stdout.write(`\n${markdown}`);
  for (const file of writeResults(record, markdown, barChart(rows, runId))) log(`wrote ${file}`);
  log(
    problems.length === 0
      ? 'every case ran and produced its counts'
      : `${problems.length} problem(s)`,
  );
  return problems.length === 0 ? 0 : 1;
}

function expectation(key: RowKey, settings: RunSettings): RowExpectation {
  if (caseInfo(key.caseId).source === 'broker') {
    return { messages: settings.brokerMessages, allocations: false };
  }
  const samplingRatio = samplingRatioOf(settings, key);
  return {
    messages: expectedInProcessMessages(settings, key),
    allocations: true,
    ...(samplingRatio !== undefined ? { samplingRatio } : {}),
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(String((error as Error)?.stack ?? error));
    process.exitCode = 1;
  },
);
