import type { Library, Source } from './model';

export type CaseId =
  | 'kafkajs-each-batch'
  | 'kafkajs-each-batch-sampled'
  | 'kafkajs-each-message'
  | 'kafkajs-broker-each-batch'
  | 'kafkajs-broker-each-message'
  | 'confluent-broker-each-batch'
  | 'amqplib-broker-batch'
  | 'amqplib-broker-consume';

export interface CaseInfo {
  id: CaseId;
  /** The case's number in issue 6. */
  issueCase: number;
  library: Library;
  source: Source;
  /** What one handler call is, for the per-call columns. */
  call: 'batch' | 'message';
  title: string;
  /** What the three modes run, when it is more than "the same code, instrumented or not". */
  modes?: string;
}

export const CASES: readonly CaseInfo[] = [
  {
    id: 'kafkajs-each-batch',
    issueCase: 1,
    library: 'kafkajs',
    source: 'in-process',
    call: 'batch',
    title: 'kafkajs eachBatch, synthetic batches, no broker',
  },
  {
    id: 'kafkajs-each-batch-sampled',
    issueCase: 1,
    library: 'kafkajs',
    source: 'in-process',
    call: 'batch',
    title: 'kafkajs eachBatch, synthetic batches, head sampling (ParentBased(TraceIdRatioBased))',
  },
  {
    id: 'kafkajs-broker-each-batch',
    issueCase: 2,
    library: 'kafkajs',
    source: 'broker',
    call: 'batch',
    title: 'kafkajs eachBatch, real Kafka broker',
  },
  {
    id: 'confluent-broker-each-batch',
    issueCase: 2,
    library: 'confluent',
    source: 'broker',
    call: 'batch',
    title:
      "Confluent's client (@confluentinc/kafka-javascript, KafkaJS API) eachBatch, real Kafka broker",
    modes:
      'none, fanin and floor only: there is no official OpenTelemetry instrumentation of this client',
  },
  {
    id: 'amqplib-broker-batch',
    issueCase: 3,
    library: 'amqplib',
    source: 'broker',
    call: 'batch',
    title: 'amqplib batches, real RabbitMQ',
    modes:
      'none: hand-written batching (prefetch + ack(last, true)); official: the same code under ' +
      '@opentelemetry/instrumentation-amqplib; floor: the same code inside the hand-written ' +
      'reference fan-in (one span, a link per producer); fanin: consumeBatch',
  },
  {
    id: 'kafkajs-each-message',
    issueCase: 4,
    library: 'kafkajs',
    source: 'in-process',
    call: 'message',
    title: 'kafkajs eachMessage, synthetic fetches, no broker',
  },
  {
    id: 'kafkajs-broker-each-message',
    issueCase: 4,
    library: 'kafkajs',
    source: 'broker',
    call: 'message',
    title: 'kafkajs eachMessage, real Kafka broker',
  },
  {
    id: 'amqplib-broker-consume',
    issueCase: 4,
    library: 'amqplib',
    source: 'broker',
    call: 'message',
    title: 'amqplib consume (one ack per message), real RabbitMQ',
  },
];

export function caseInfo(id: CaseId): CaseInfo {
  const info = CASES.find((candidate) => candidate.id === id);
  if (!info) throw new Error(`unknown case ${id}`);
  return info;
}

/** One line of results: a case, a variant of it (a batch size) where it has several, a mode. */
export interface RowKey {
  caseId: CaseId;
  /** e.g. the batch size; '' when the case has one variant. */
  variant: string;
}

export function rowName({ caseId, variant }: RowKey): string {
  return variant ? `${caseId}/${variant}` : caseId;
}

/** The variant naming a sampling row: `ratio-1.0`, `ratio-0.1`. */
export function samplingVariant(ratio: number): string {
  return `ratio-${ratioLabel(ratio)}`;
}

/** A sampling ratio as the tables name it: `1.0`, `0.1`, `0.05`. */
export function ratioLabel(ratio: number): string {
  return Number.isInteger(ratio) ? ratio.toFixed(1) : String(ratio);
}
