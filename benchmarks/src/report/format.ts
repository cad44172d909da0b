import type { Stat } from './stats';

/** `value` with thousands separators and `decimals` digits after the point. */
export function number(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** `median (min–max)`, or just the median when there was one sample. */
export function range(value: Stat, decimals = 0): string {
  if (!Number.isFinite(value.median)) return '–';
  if (value.min === value.max) return number(value.median, decimals);
  return `${number(value.median, decimals)} (${number(value.min, decimals)}–${number(value.max, decimals)})`;
}

/** A signed difference, e.g. `+2,950`. */
export function signed(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 0 ? '+' : ''}${number(value, decimals)}`;
}

/** A small count with a decimal only when it needs one (spans or links per call). */
export function count(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return number(value, Number.isInteger(value) || value >= 100 ? 0 : 1);
}

/** A Markdown table; readable as plain text too. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
