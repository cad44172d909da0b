import type { CaseId } from '../cases';
import type { Mode } from '../model';
import { number, signed } from './format';
import { findRow } from './rows';
import type { RowSummary } from './summarise';
import { element, svgDocument, text } from './svg';

interface Group {
  label: string;
  caseId: CaseId;
  variant: string;
}

const GROUPS: readonly Group[] = [
  { label: 'eachBatch ×1,000', caseId: 'kafkajs-each-batch', variant: '1000' },
  { label: 'eachBatch ×10,000', caseId: 'kafkajs-each-batch', variant: '10000' },
  { label: 'eachMessage', caseId: 'kafkajs-each-message', variant: '' },
];

const SERIES: ReadonlyArray<{ mode: Mode; colour: string }> = [
  { mode: 'none', colour: '#9e9e9e' },
  { mode: 'official', colour: '#d95f02' },
  { mode: 'fanin', colour: '#1b9e77' },
  { mode: 'floor', colour: '#7570b3' },
];

const WIDTH = 820;
const HEIGHT = 460;
const PLOT = { left: 80, right: WIDTH - 20, top: 84, bottom: HEIGHT - 60 };
/** Room above the highest whisker for its label. */
const HEADROOM = 1.08;

/** One bar: the median extra wall ns/msg over none, and the extra of the fastest and slowest sample. */
interface Bar {
  median: number;
  min: number;
  max: number;
}

/**
 * Grouped bars of the extra wall time per message over no instrumentation
 * (medians, with min–max whiskers) for the main in-process rows and the
 * modes none, official, fanin and floor: a self-contained SVG (no fonts,
 * scripts or styles from elsewhere). Undefined when none of these rows ran.
 */
export function barChart(rows: RowSummary[], runId: string): string | undefined {
  const bars = GROUPS.map((group) => SERIES.map((series) => barOf(rows, group, series.mode)));
  const values = bars.flat().flatMap((bar) => (bar ? [bar.min, bar.max, bar.median] : []));
  if (values.length === 0) return undefined;
  const axis = niceAxis(Math.min(0, ...values), HEADROOM * Math.max(0, ...values));
  const y = (value: number) =>
    PLOT.bottom - ((value - axis.min) / (axis.max - axis.min)) * (PLOT.bottom - PLOT.top);
  const body: string[] = [
    text(PLOT.left, 26, 'Extra wall time per message over no instrumentation', {
      'font-size': 16,
      'font-weight': 'bold',
    }),
    text(PLOT.left, 46, `median of the samples, whiskers min–max; run ${runId}`, {
      fill: '#555555',
    }),
    ...gridAndTicks(axis, y),
    text(18, (PLOT.top + PLOT.bottom) / 2, 'extra ns/msg (wall)', {
      transform: `rotate(-90 18 ${(PLOT.top + PLOT.bottom) / 2})`,
      'text-anchor': 'middle',
    }),
    ...groupsOfBars(bars, y),
    element('line', { x1: PLOT.left, y1: y(0), x2: PLOT.right, y2: y(0), stroke: '#333333' }),
    ...legend(),
  ];
  return svgDocument(WIDTH, HEIGHT, `fanin benchmarks ${runId}: extra ns/msg`, body);
}

function barOf(rows: RowSummary[], group: Group, mode: Mode): Bar | undefined {
  const row = findRow(rows, group.caseId, group.variant, mode);
  const none = findRow(rows, group.caseId, group.variant, 'none');
  if (!row || !none || !Number.isFinite(row.wallNsPerMessage.median)) return undefined;
  const base = none.wallNsPerMessage.median;
  return {
    median: row.wallNsPerMessage.median - base,
    min: row.wallNsPerMessage.min - base,
    max: row.wallNsPerMessage.max - base,
  };
}

function groupsOfBars(bars: Array<Array<Bar | undefined>>, y: (value: number) => number): string[] {
  const groupWidth = (PLOT.right - PLOT.left) / GROUPS.length;
  const barWidth = (groupWidth * 0.8) / SERIES.length;
  const out: string[] = [];
  GROUPS.forEach((group, g) => {
    const start = PLOT.left + g * groupWidth + groupWidth * 0.1;
    out.push(
      text(start + (barWidth * SERIES.length) / 2, PLOT.bottom + 36, group.label, {
        'text-anchor': 'middle',
        'font-size': 13,
      }),
    );
    SERIES.forEach((series, s) => {
      const x = start + s * barWidth;
      const centre = x + barWidth / 2;
      const bar = bars[g]?.[s];
      out.push(
        text(centre, PLOT.bottom + 16, series.mode, {
          'text-anchor': 'middle',
          fill: '#555555',
          'font-size': 10,
        }),
      );
      if (!bar) {
        out.push(text(centre, y(0) - 4, 'n/a', { 'text-anchor': 'middle', fill: '#777777' }));
        return;
      }
      const top = Math.min(y(bar.median), y(0));
      out.push(
        element('rect', {
          x: x + 2,
          y: top,
          width: barWidth - 4,
          height: Math.max(1, Math.abs(y(0) - y(bar.median))),
          fill: series.colour,
        }),
        element('line', {
          x1: centre,
          y1: y(bar.min),
          x2: centre,
          y2: y(bar.max),
          stroke: '#222222',
        }),
        element('line', {
          x1: centre - 4,
          y1: y(bar.min),
          x2: centre + 4,
          y2: y(bar.min),
          stroke: '#222222',
        }),
        element('line', {
          x1: centre - 4,
          y1: y(bar.max),
          x2: centre + 4,
          y2: y(bar.max),
          stroke: '#222222',
        }),
        text(centre, Math.min(y(bar.max), top) - 5, signed(bar.median), {
          'text-anchor': 'middle',
          'font-size': 10,
        }),
      );
    });
  });
  return out;
}

function gridAndTicks(axis: Axis, y: (value: number) => number): string[] {
  const out: string[] = [];
  const first = Math.ceil(axis.min / axis.step) * axis.step;
  for (let value = first; value <= axis.max + axis.step / 2; value += axis.step) {
    out.push(
      element('line', {
        x1: PLOT.left,
        y1: y(value),
        x2: PLOT.right,
        y2: y(value),
        stroke: '#e4e4e4',
      }),
      text(PLOT.left - 8, y(value) + 4, number(value), { 'text-anchor': 'end' }),
    );
  }
  out.push(
    element('line', {
      x1: PLOT.left,
      y1: PLOT.top,
      x2: PLOT.left,
      y2: PLOT.bottom,
      stroke: '#333333',
    }),
  );
  return out;
}

function legend(): string[] {
  const x = PLOT.right - SERIES.length * 90;
  return SERIES.flatMap((series, s) => [
    element('rect', { x: x + s * 90, y: 56, width: 12, height: 12, fill: series.colour }),
    text(x + s * 90 + 17, 66, series.mode),
  ]);
}

export interface Axis {
  min: number;
  max: number;
  step: number;
}

/**
 * An axis from `low` to `high` with about five round ticks; the top widened
 * to a tick, the bottom only to a fifth of one (a small negative whisker
 * should not take a whole step of the plot).
 */
export function niceAxis(low: number, high: number): Axis {
  const span = high - low || 1;
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude;
  const minor = step / 5;
  const min = Math.floor(low / minor) * minor;
  return { min, max: Math.max(Math.ceil(high / step) * step, min + step), step };
}
