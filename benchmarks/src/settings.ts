import type { SamplingParams } from './model';

/** Head sampling at 1.0 (every producer sampled) and at 0.1 (every 10th producer sampled). */
const SAMPLING = {
  batchSize: 1_000,
  rows: [
    { ratio: 1, sampledProducerEvery: 1 },
    { ratio: 0.1, sampledProducerEvery: 10 },
  ],
};

/** How much each case runs: the full benchmark, or the quick variant CI uses. */
export interface RunSettings {
  quick: boolean;
  /** Worker processes per case and mode (in-process cases), alternating. */
  processes: number;
  /** Measured rounds in each in-process worker. */
  rounds: number;
  /** In-process eachBatch batch sizes. */
  batchSizes: number[];
  /** The batch sizes among them that also run the floor modes. */
  floorBatchSizes: number[];
  /** The head-sampling rows: in-process eachBatch at `batchSize`, once per ratio. */
  sampling: { batchSize: number; rows: SamplingParams[] };
  /** Messages per measured in-process round (at least `minBatchesPerRound` batches). */
  syntheticMessages: number;
  minBatchesPerRound: number;
  warmupMessages: number;
  /** Messages per simulated fetch for the in-process eachMessage case. */
  eachMessageFetch: number;
  /** Messages produced to Kafka once per run / published to RabbitMQ per repetition. */
  brokerMessages: number;
  /** Repetitions of each real-broker case and mode, alternating. */
  brokerRepetitions: number;
  /** consumeBatch maxMessages / hand-written batch size (and prefetch) for amqplib. */
  amqpBatchSize: number;
  /** Prefetch of the single-message amqplib consumers. */
  amqpPrefetch: number;
  /** Longest a broker worker may take to consume everything. */
  brokerTimeoutMs: number;
}

export const FULL: RunSettings = {
  quick: false,
  processes: 3,
  rounds: 3,
  batchSizes: [1, 100, 1_000, 10_000],
  floorBatchSizes: [1_000, 10_000],
  sampling: SAMPLING,
  syntheticMessages: 50_000,
  minBatchesPerRound: 20,
  warmupMessages: 20_000,
  eachMessageFetch: 100,
  brokerMessages: 200_000,
  brokerRepetitions: 3,
  amqpBatchSize: 100,
  amqpPrefetch: 100,
  brokerTimeoutMs: 300_000,
};

export const QUICK: RunSettings = {
  quick: true,
  processes: 1,
  rounds: 1,
  batchSizes: [1, 100, 1_000, 10_000],
  floorBatchSizes: [1_000, 10_000],
  sampling: SAMPLING,
  syntheticMessages: 10_000,
  minBatchesPerRound: 3,
  warmupMessages: 2_000,
  eachMessageFetch: 100,
  brokerMessages: 5_000,
  brokerRepetitions: 1,
  amqpBatchSize: 100,
  amqpPrefetch: 100,
  brokerTimeoutMs: 60_000,
};
