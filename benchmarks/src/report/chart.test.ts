import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RowKey } from '../cases';
import type { Mode } from '../model';
import { barChart, niceAxis } from './chart';
import { testRow } from './test-rows';

/** A row of 1,000-message windows at these wall ns/msg. */
const row = (key: RowKey, mode: Mode, walls: number[]) => testRow(key, mode, walls);

describe('niceAxis', () => {
  const cases: Array<[number, number, { min: number; max: number; step: number }]> = [
    [0, 19_842, { min: 0, max: 20_000, step: 5_000 }],
    [-120, 11_000, { min: -1_000, max: 15_000, step: 5_000 }],
    [0, 7, { min: 0, max: 8, step: 2 }],
    [0, 0, { min: 0, max: 0.2, step: 0.2 }],
  ];
  for (const [low, high, expected] of cases) {
    it(`spans ${low}..${high} with round ticks`, () =>
      assert.deepEqual(niceAxis(low, high), expected));
  }
});

describe('barChart', () => {
  const batch = { caseId: 'kafkajs-each-batch' as const, variant: '1000' };
  const rows = [
    row(batch, 'none', [100, 90, 110]),
    row(batch, 'fanin', [2_100, 2_000, 2_600]),
    row(batch, 'floor', [600]),
  ];
  const svg = barChart(rows, '20260101-000000') ?? '';

  it('draws a bar per mode that ran, labelled with its extra ns/msg over none', () => {
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, />\+2,000</);
    assert.match(svg, />\+500</);
    assert.match(svg, />\+0</);
  });

  it('marks the modes and rows that did not run', () => {
    // official in this group, and all four modes of the two groups without rows.
    assert.equal(svg.match(/>n\/a</g)?.length, 1 + 4 + 4);
  });

  it('names the groups, the axis and every mode in the legend', () => {
    for (const label of [
      'eachBatch ×1,000',
      'eachBatch ×10,000',
      'eachMessage',
      'extra ns/msg (wall)',
    ]) {
      assert.ok(svg.includes(label), label);
    }
    for (const mode of ['none', 'official', 'fanin', 'floor']) assert.ok(svg.includes(`>${mode}<`));
  });

  it('is self-contained', () => {
    assert.doesNotMatch(svg, /<script|<style|@import|href=|url\(/);
  });

  it('is not drawn when none of its rows ran', () => {
    assert.equal(barChart([], 'x'), undefined);
  });
});
