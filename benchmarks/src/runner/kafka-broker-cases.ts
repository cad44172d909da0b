import type { RowKey } from '../cases';
import { BASE_MODES, type KafkaBrokerParams, type Mode } from '../model';
import { deleteTopic, produceTopic } from '../setup/kafka-topic';
import type { RunContext } from './context';
import { rotated } from './rotation';

const ROWS: Array<{
  key: RowKey;
  scenario: 'kafkajs-broker' | 'confluent-broker';
  handler: KafkaBrokerParams['handler'];
  modes: readonly Mode[];
}> = [
  {
    key: { caseId: 'kafkajs-broker-each-batch', variant: '' },
    scenario: 'kafkajs-broker',
    handler: 'eachBatch',
    modes: [...BASE_MODES, 'floor'],
  },
  {
    key: { caseId: 'kafkajs-broker-each-message', variant: '' },
    scenario: 'kafkajs-broker',
    handler: 'eachMessage',
    modes: [...BASE_MODES, 'floor'],
  },
  {
    key: { caseId: 'confluent-broker-each-batch', variant: '' },
    scenario: 'confluent-broker',
    handler: 'eachBatch',
    modes: ['none', 'fanin', 'floor'],
  },
];

export const KAFKA_BROKER_ROWS: RowKey[] = ROWS.map((row) => row.key);

/**
 * Cases 2 and 4 (kafkajs, real broker): the messages are produced once, to
 * a topic of this run; then every repetition, case and mode (in rotated
 * order) consumes all of them in a worker of its own, with a consumer group
 * of its own.
 */
export async function runKafkaBrokerCases(context: RunContext, brokers: string[]): Promise<void> {
  const rows = ROWS.filter((row) => context.selected([row.key]).length > 0);
  if (rows.length === 0) return;
  for (const row of rows) context.plan([row.key], row.modes);
  const { settings } = context;
  const topic = `fanin-bench-${context.runId}`;
  try {
    await produceTopic(brokers, topic, settings.brokerMessages);
  } catch (error) {
    context.collector.failAll(
      rows.map((row) => row.key),
      context.modesOf([...BASE_MODES, 'floor']),
      `producing ${settings.brokerMessages} messages to ${topic} failed: ${String(error)}`,
    );
    return;
  }
  try {
    const repetitions = context.repetitions(settings.brokerRepetitions);
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const [index, row] of rows.entries()) {
        for (const mode of rotated(context.modesOf(row.modes), repetition + index)) {
          const params: KafkaBrokerParams = {
            brokers,
            topic,
            groupId: `${topic}-${row.scenario}-${row.handler}-${mode}-${repetition + 1}`,
            messages: settings.brokerMessages,
            handler: row.handler,
            timeoutMs: settings.brokerTimeoutMs,
          };
          await context.run(
            row.key,
            { scenario: row.scenario, mode, params },
            repetition,
            settings.brokerTimeoutMs + 30_000,
          );
        }
      }
    }
  } finally {
    await deleteTopic(brokers, topic).catch(() => {});
  }
}
