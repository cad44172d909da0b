/**
 * The vocabulary shared by the orchestrating process and the workers: what a
 * job asks for and what a worker measured.
 */

/**
 * What a worker process traces with (never more than one instrumentation):
 * nothing, the official instrumentation, fanin's, the hand-written reference
 * (`floor`, `floor-bare`; `floor-metrics` with the conventions' per-message
 * duration histogram), fanin with the link-aware sampler of @fanin/core, or
 * fanin with an SDK MeterProvider (`fanin-metrics`; see modes.ts).
 */
export type Mode =
  | 'none'
  | 'official'
  | 'fanin'
  | 'fanin-metrics'
  | 'floor'
  | 'floor-bare'
  | 'floor-metrics'
  | 'fanin-link-sampler';

export const MODES: readonly Mode[] = [
  'none',
  'official',
  'fanin',
  'fanin-metrics',
  'floor',
  'floor-bare',
  'floor-metrics',
  'fanin-link-sampler',
];

/** The modes every case runs; the others only where a row asks for them. */
export const BASE_MODES: readonly Mode[] = ['none', 'official', 'fanin'];

/** The client library a scenario exercises. */
export type Library = 'kafkajs' | 'confluent' | 'amqplib';

/** Where the messages come from. */
export type Source = 'in-process' | 'broker';

/** What one worker process is asked to run. */
export type Job =
  | { scenario: 'kafkajs-each-batch-synthetic'; mode: Mode; params: SyntheticParams }
  | { scenario: 'kafkajs-each-message-synthetic'; mode: Mode; params: SyntheticParams }
  | { scenario: 'kafkajs-broker'; mode: Mode; params: KafkaBrokerParams }
  | { scenario: 'confluent-broker'; mode: Mode; params: KafkaBrokerParams }
  | { scenario: 'amqplib-broker-batch'; mode: Mode; params: AmqpBrokerParams }
  | { scenario: 'amqplib-broker-consume'; mode: Mode; params: AmqpBrokerParams };

export type ScenarioName = Job['scenario'];

export interface SyntheticParams {
  /** Messages per eachBatch call (for eachMessage: per simulated fetch). */
  batchSize: number;
  /** Messages handled in each measured round. */
  messagesPerRound: number;
  /** Fewest handler calls per measured round (large batches). */
  minBatchesPerRound: number;
  /** Messages handled before the first measured round. */
  warmupMessages: number;
  rounds: number;
  /** Head sampling: the SDK sampler's ratio and which producers are sampled. */
  sampling?: SamplingParams;
}

export interface SamplingParams {
  /** `ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })`. */
  ratio: number;
  /** Producers whose offset is a multiple of this carry the sampled flag (1: all, 10: 10 %). */
  sampledProducerEvery: number;
}

export interface KafkaBrokerParams {
  brokers: string[];
  topic: string;
  groupId: string;
  messages: number;
  handler: 'eachBatch' | 'eachMessage';
  timeoutMs: number;
}

export interface AmqpBrokerParams {
  url: string;
  queue: string;
  messages: number;
  /** consumeBatch `maxMessages` / hand-written batch size (batch case); prefetch (consume case). */
  batchSize: number;
  prefetch: number;
  timeoutMs: number;
}

/** One measured window. */
export interface Sample {
  messages: number;
  /** Handler calls: eachBatch / consumeBatch calls, or messages for single-message handlers. */
  calls: number;
  wallNs: number;
  cpuUs: number;
  spansStarted: number;
  spansEnded: number;
  spansExported: number;
  linksExported: number;
  /** Exported links to a producer context whose flags say sampled. */
  sampledLinksExported: number;
  /** Messages in the window whose producer context says sampled (in-process cases). */
  sampledProducers?: number;
  /** Sampling decisions for spans without a parent, and how many of them were sampled. */
  rootDecisions: number;
  rootSampled: number;
  /** Bytes allocated on the V8 heap in the window (in-process cases; see measure/allocations.ts). */
  allocatedBytes?: number;
  /** Highest heap used during the window, above the heap used (after a GC) at its start. */
  heapPeakBytes: number;
  /** When the window opened and closed, in µs of the monotonic clock CPU profiles use. */
  startUs: number;
  endUs: number;
}

export type WorkerReport = { ok: true; samples: Sample[] } | { ok: false; error: string };
