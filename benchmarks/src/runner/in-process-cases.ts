import type { RowKey } from '../cases';
import type { Job, Mode, SyntheticParams } from '../model';
import type { RunContext } from './context';
import { rotated } from './rotation';

const TIMEOUT_MS = 600_000;

/**
 * Cases 1 and 4 (kafkajs, in process): for every repetition, every batch
 * size, every mode in rotated order, one worker process that warms up and
 * measures `rounds` rounds.
 */
export async function runInProcessCases(context: RunContext): Promise<void> {
  const { settings } = context;
  const rows: Array<{ key: RowKey; job: (mode: Mode) => Job }> = [
    ...settings.batchSizes.map((batchSize) => ({
      key: { caseId: 'kafkajs-each-batch' as const, variant: String(batchSize) },
      job: (mode: Mode): Job => ({
        scenario: 'kafkajs-each-batch-synthetic',
        mode,
        params: syntheticParams(context, batchSize),
      }),
    })),
    {
      key: { caseId: 'kafkajs-each-message', variant: '' },
      job: (mode: Mode): Job => ({
        scenario: 'kafkajs-each-message-synthetic',
        mode,
        params: syntheticParams(context, settings.eachMessageFetch),
      }),
    },
  ];
  const selected = rows.filter((row) => context.selected([row.key]).length > 0);
  context.plan(selected.map((row) => row.key));
  const repetitions = context.repetitions(settings.processes);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [index, row] of selected.entries()) {
      for (const mode of rotated(context.modes, repetition + index)) {
        await context.run(row.key, row.job(mode), repetition, TIMEOUT_MS);
      }
    }
  }
}

function syntheticParams(context: RunContext, batchSize: number): SyntheticParams {
  const { settings } = context;
  return {
    batchSize,
    messagesPerRound: settings.syntheticMessages,
    minBatchesPerRound: settings.minBatchesPerRound,
    warmupMessages: settings.warmupMessages,
    rounds: settings.rounds,
  };
}
