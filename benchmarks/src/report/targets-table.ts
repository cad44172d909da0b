import { samplingVariant } from '../cases';
import type { Mode } from '../model';
import { markdownTable, number, signed } from './format';
import { extraOverNone, findRow, ratio } from './rows';
import { samplingAllowance } from './sampling-table';
import type { RowSummary } from './summarise';

/** One figure a target names, as this run measured it. */
interface TargetLine {
  target: string;
  measured: string;
  /** The hand-written reference's figure, where the row has one. */
  floor: string;
  met: boolean | undefined;
}

type Verdict = boolean | undefined;

const verdict = (met: Verdict): string => (met === undefined ? 'n/a' : met ? 'met' : 'missed');
const atMost = (value: number, bound: number): Verdict =>
  Number.isFinite(value) ? value <= bound : undefined;
const atLeast = (value: number, bound: number): Verdict =>
  Number.isFinite(value) ? value >= bound : undefined;
const fixed = (value: number): string => (Number.isFinite(value) ? number(value, 2) : 'n/a');
const times = (value: number): string => (Number.isFinite(value) ? `${number(value, 2)}×` : 'n/a');

/**
 * The performance targets of the issues (12: fanin against the floor, the
 * real brokers, allocation, head sampling; 14: metrics), each as this run
 * measured it, beside the floor's figure where there is one, and whether
 * it was met. A line whose rows did not run says n/a.
 */
export function targetsTable(rows: RowSummary[]): string {
  const lines: TargetLine[] = [
    ...[1_000, 10_000].flatMap((size) => floorLines(rows, size)),
    throughputLine(rows, 'kafkajs-broker-each-batch', 'Kafka eachBatch throughput', 0.8),
    throughputLine(rows, 'kafkajs-broker-each-message', 'Kafka eachMessage throughput', 0.5),
    consumeBatchLine(rows),
    consumeLine(rows),
    ...samplingLines(rows),
    ...metricsLines(rows),
  ];
  if (lines.every((line) => line.met === undefined)) return '';
  return markdownTable(
    ['target', 'measured', 'floor', ''],
    lines.map((line) => [line.target, line.measured, line.floor, verdict(line.met)]),
  );
}

function floorLines(rows: RowSummary[], size: number): TargetLine[] {
  const variant = String(size);
  const fanin = extraOverNone(rows, findRow(rows, 'kafkajs-each-batch', variant, 'fanin'));
  const floor = extraOverNone(rows, findRow(rows, 'kafkajs-each-batch', variant, 'floor'));
  const of = (key: 'wallNs' | 'cpuNs' | 'allocatedBytes') =>
    fanin && floor ? ratio(fanin[key], floor[key]) : Number.NaN;
  const label = `eachBatch ×${number(size)} in process`;
  return [
    { key: 'wallNs' as const, what: 'wall time' },
    { key: 'cpuNs' as const, what: 'CPU time' },
    { key: 'allocatedBytes' as const, what: 'bytes allocated' },
  ].map(({ key, what }) => ({
    target: `${label}: fanin's extra ${what} ≤ 1.3× the floor's`,
    measured: times(of(key)),
    floor: '1.00×',
    met: atMost(of(key), 1.3),
  }));
}

function throughputLine(
  rows: RowSummary[],
  caseId: 'kafkajs-broker-each-batch' | 'kafkajs-broker-each-message',
  label: string,
  bound: number,
): TargetLine {
  const timesNone = (mode: Mode) => {
    const row = findRow(rows, caseId, '', mode);
    const none = findRow(rows, caseId, '', 'none');
    return row && none
      ? ratio(row.messagesPerSecond.median, none.messagesPerSecond.median)
      : Number.NaN;
  };
  return {
    target: `${label} ≥ ${number(bound, 2)}× none`,
    measured: times(timesNone('fanin')),
    floor: times(timesNone('floor')),
    met: atLeast(timesNone('fanin'), bound),
  };
}

/** Extra CPU µs per message over none of a broker row, or NaN. */
function extraCpuUs(
  rows: RowSummary[],
  caseId: 'amqplib-broker-batch' | 'amqplib-broker-consume',
  mode: Mode,
): number {
  const extra = extraOverNone(rows, findRow(rows, caseId, '', mode));
  return extra ? extra.cpuNs / 1000 : Number.NaN;
}

function consumeBatchLine(rows: RowSummary[]): TargetLine {
  const fanin = extraCpuUs(rows, 'amqplib-broker-batch', 'fanin');
  const floor = extraCpuUs(rows, 'amqplib-broker-batch', 'floor');
  return {
    target: 'amqplib consumeBatch: ≤ +2 µs CPU per message over the hand-written batching',
    measured: Number.isFinite(fanin) ? `${signed(fanin, 2)} µs` : 'n/a',
    floor: Number.isFinite(floor) ? `${signed(floor, 2)} µs` : 'n/a',
    met: atMost(fanin, 2),
  };
}

function consumeLine(rows: RowSummary[]): TargetLine {
  const fanin = extraCpuUs(rows, 'amqplib-broker-consume', 'fanin');
  const official = extraCpuUs(rows, 'amqplib-broker-consume', 'official');
  return {
    target: 'amqplib consume: less extra CPU per message than the official instrumentation',
    measured:
      Number.isFinite(fanin) && Number.isFinite(official)
        ? `${signed(fanin, 2)} µs (official ${signed(official, 2)} µs)`
        : 'n/a',
    floor: '–',
    met: Number.isFinite(fanin) && Number.isFinite(official) ? fanin < official : undefined,
  };
}

function samplingLines(rows: RowSummary[]): TargetLine[] {
  const low = samplingVariant(0.1);
  const high = samplingVariant(1);
  const costRatio = (mode: Mode) => {
    const atLow = extraOverNone(rows, findRow(rows, 'kafkajs-each-batch-sampled', low, mode));
    const atHigh = extraOverNone(rows, findRow(rows, 'kafkajs-each-batch-sampled', high, mode));
    return atLow && atHigh ? ratio(atLow.cpuNs, atHigh.cpuNs) : Number.NaN;
  };
  const fanin = findRow(rows, 'kafkajs-each-batch-sampled', low, 'fanin');
  const allowed = fanin ? samplingAllowance(fanin.rootSpansSampled) : Number.NaN;
  const sampler = findRow(rows, 'kafkajs-each-batch-sampled', low, 'fanin-link-sampler');
  const linked = sampler ? sampler.sampledProducersLinked : Number.NaN;
  return [
    {
      target: `head sampling at 0.1: CPU per message ≤ ${fixed(allowed)} of that at 1.0 (a dropped batch span ≤ 15 % of a recorded one)`,
      measured: fixed(costRatio('fanin')),
      floor: fixed(costRatio('floor')),
      met: atMost(costRatio('fanin'), allowed),
    },
    {
      target:
        'link-aware sampler at 0.1: sampled producer traces whose batch span was recorded = 100 %',
      measured: Number.isFinite(linked) ? `${number(100 * linked, 1)} %` : 'n/a',
      floor: '–',
      met: Number.isFinite(linked) ? linked >= 0.9995 : undefined,
    },
  ];
}

function metricsLines(rows: RowSummary[]): TargetLine[] {
  const cases = [
    { caseId: 'kafkajs-each-batch' as const, variant: '1000', label: 'eachBatch ×1,000' },
    { caseId: 'kafkajs-each-batch' as const, variant: '10000', label: 'eachBatch ×10,000' },
    { caseId: 'kafkajs-each-message' as const, variant: '', label: 'eachMessage' },
  ];
  return cases.map(({ caseId, variant, label }) => {
    const cpuRatio = (spans: Mode, withMetrics: Mode) => {
      const alone = extraOverNone(rows, findRow(rows, caseId, variant, spans));
      const both = extraOverNone(rows, findRow(rows, caseId, variant, withMetrics));
      return alone && both ? ratio(both.cpuNs, alone.cpuNs) : Number.NaN;
    };
    const fanin = cpuRatio('fanin', 'fanin-metrics');
    const floor = cpuRatio('floor', 'floor-metrics');
    return {
      target: `${label} in process: CPU of spans + metrics ≤ 1.1× spans alone`,
      measured: times(fanin),
      floor: Number.isFinite(floor) ? times(floor) : '–',
      met: atMost(fanin, 1.1),
    };
  });
}
