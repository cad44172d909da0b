import { type RowKey, samplingVariant } from '../cases';
import { BASE_MODES, type Job, type Mode, type SyntheticParams } from '../model';
import { messagesPerRound } from '../scenarios/synthetic-rounds';
import type { RunSettings } from '../settings';

/** One in-process row: what its workers run, and in which modes. */
export interface InProcessRow {
  key: RowKey;
  /** The modes the row runs (before --modes narrows them), in rotation order. */
  modes: readonly Mode[];
  params: SyntheticParams;
  job(mode: Mode): Job;
}

const FLOOR_MODES: readonly Mode[] = [...BASE_MODES, 'fanin-metrics', 'floor', 'floor-bare'];
const EACH_MESSAGE_MODES: readonly Mode[] = [
  ...BASE_MODES,
  'fanin-metrics',
  'floor',
  'floor-metrics',
];
const SAMPLING_MODES: readonly Mode[] = ['none', 'floor', 'fanin', 'fanin-link-sampler'];

/**
 * Cases 1 and 4 in process: eachBatch per batch size (the floor modes beside
 * the others at the floor batch sizes), eachBatch under head sampling once
 * per ratio, and eachMessage.
 */
export function inProcessRows(settings: RunSettings): InProcessRow[] {
  const params = (batchSize: number): SyntheticParams => ({
    batchSize,
    messagesPerRound: settings.syntheticMessages,
    minBatchesPerRound: settings.minBatchesPerRound,
    warmupMessages: settings.warmupMessages,
    rounds: settings.rounds,
  });
  const eachBatch = (key: RowKey, modes: readonly Mode[], rowParams: SyntheticParams) => ({
    key,
    modes,
    params: rowParams,
    job: (mode: Mode): Job => ({
      scenario: 'kafkajs-each-batch-synthetic',
      mode,
      params: rowParams,
    }),
  });
  return [
    ...settings.batchSizes.map((batchSize) =>
      eachBatch(
        { caseId: 'kafkajs-each-batch', variant: String(batchSize) },
        settings.floorBatchSizes.includes(batchSize) ? FLOOR_MODES : BASE_MODES,
        params(batchSize),
      ),
    ),
    ...settings.sampling.rows.map((sampling) =>
      eachBatch(
        { caseId: 'kafkajs-each-batch-sampled', variant: samplingVariant(sampling.ratio) },
        SAMPLING_MODES,
        { ...params(settings.sampling.batchSize), sampling },
      ),
    ),
    {
      key: { caseId: 'kafkajs-each-message', variant: '' },
      modes: EACH_MESSAGE_MODES,
      params: params(settings.eachMessageFetch),
      job: (mode: Mode): Job => ({
        scenario: 'kafkajs-each-message-synthetic',
        mode,
        params: params(settings.eachMessageFetch),
      }),
    },
  ];
}

/** The messages every window of the in-process row `key` must handle. */
export function expectedInProcessMessages(settings: RunSettings, key: RowKey): number | undefined {
  const row = inProcessRows(settings).find(
    (candidate) => candidate.key.caseId === key.caseId && candidate.key.variant === key.variant,
  );
  return row && messagesPerRound(row.params);
}

/** The sampling ratio of the in-process row `key`, if it samples. */
export function samplingRatioOf(settings: RunSettings, key: RowKey): number | undefined {
  return inProcessRows(settings).find(
    (candidate) => candidate.key.caseId === key.caseId && candidate.key.variant === key.variant,
  )?.params.sampling?.ratio;
}
