import type { RowKey } from '../cases';
import { type AmqpBrokerParams, BASE_MODES, type Job, type Mode } from '../model';
import { deleteQueue, fillQueues } from '../setup/amqp-queues';
import type { RunContext } from './context';
import { rotated } from './rotation';

interface AmqpRow {
  key: RowKey;
  modes: readonly Mode[];
  job: (mode: Mode, params: AmqpBrokerParams) => Job;
}

const ROWS: AmqpRow[] = [
  {
    key: { caseId: 'amqplib-broker-batch', variant: '' },
    modes: [...BASE_MODES, 'floor'],
    job: (mode, params) => ({ scenario: 'amqplib-broker-batch', mode, params }),
  },
  {
    key: { caseId: 'amqplib-broker-consume', variant: '' },
    modes: BASE_MODES,
    job: (mode, params) => ({ scenario: 'amqplib-broker-consume', mode, params }),
  },
];

export const AMQP_BROKER_ROWS: RowKey[] = ROWS.map((row) => row.key);

/**
 * Cases 3 and 4 (amqplib, real RabbitMQ): for every repetition and case, one
 * queue per mode is filled with the same messages (one publish, fanned out),
 * then each mode (in rotated order) consumes its queue in a worker of its
 * own. A queue must be empty afterwards: every message was acked. Resolves
 * with the RabbitMQ version.
 */
export async function runAmqpBrokerCases(
  context: RunContext,
  url: string,
): Promise<string | undefined> {
  let version: string | undefined;
  const rows = ROWS.filter((row) => context.selected([row.key]).length > 0);
  if (rows.length === 0) return version;
  for (const row of rows) context.plan([row.key], row.modes);
  const { settings } = context;
  const repetitions = context.repetitions(settings.brokerRepetitions);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [index, row] of rows.entries()) {
      const queueOf = (mode: Mode) =>
        `fanin-bench-${context.runId}-${row.key.caseId}-${mode}-${repetition + 1}`;
      const modes = context.modesOf(row.modes);
      try {
        version = await fillQueues(url, modes.map(queueOf), settings.brokerMessages);
      } catch (error) {
        context.collector.failAll([row.key], modes, `filling the queues failed: ${String(error)}`);
        continue;
      }
      for (const mode of rotated(modes, repetition + index)) {
        const params: AmqpBrokerParams = {
          url,
          queue: queueOf(mode),
          messages: settings.brokerMessages,
          batchSize: settings.amqpBatchSize,
          prefetch: settings.amqpPrefetch,
          timeoutMs: settings.brokerTimeoutMs,
        };
        await context.run(
          row.key,
          row.job(mode, params),
          repetition,
          settings.brokerTimeoutMs + 30_000,
        );
        const left = await deleteQueue(url, params.queue).catch(() => Number.NaN);
        if (left !== 0) {
          context.collector.add(row.key, mode, {
            ok: false,
            error: `${params.queue} still held ${left} messages after the consumer finished`,
          });
        }
      }
    }
  }
  return version;
}
