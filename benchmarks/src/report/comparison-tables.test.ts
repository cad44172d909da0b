import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floorTable } from './floor-table';
import { metricsTable } from './metrics-table';
import { samplingTable } from './sampling-table';
import { testRow } from './test-rows';

/** The cells of the Markdown table line that starts with `first` (after the leading `|`). */
function line(table: string, first: string): string[] {
  const found = table.split('\n').find((text) => text.startsWith(`| ${first} |`));
  assert.ok(found, `no line for ${first} in\n${table}`);
  return found
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe('floorTable', () => {
  const batch = { caseId: 'kafkajs-each-batch' as const, variant: '1000' };
  const table = floorTable([
    testRow(batch, 'none', [100], 10),
    testRow(batch, 'fanin', [3_100], 1_710),
    testRow(batch, 'floor', [1_100], 510),
  ]);

  it("gives fanin's extra time and bytes over none as a multiple of the floor's", () => {
    assert.deepEqual(line(table, '1. kafkajs-each-batch').slice(2), [
      'floor',
      '+3,000',
      '+1,000',
      '3.00',
      '+3,000',
      '+1,000',
      '3.00',
      '+1,700',
      '+500',
      '3.40',
    ]);
  });

  it('gives the eachMessage row against its floor too', () => {
    const message = { caseId: 'kafkajs-each-message' as const, variant: '' };
    const both = floorTable([
      testRow(message, 'none', [200]),
      testRow(message, 'fanin', [2_200]),
      testRow(message, 'floor', [1_200]),
    ]);
    assert.deepEqual(line(both, '4. kafkajs-each-message').slice(1, 6), [
      '1',
      'floor',
      '+2,000',
      '+1,000',
      '2.00',
    ]);
  });

  it('is empty without a floor row', () => {
    assert.equal(floorTable([testRow(batch, 'none', [100]), testRow(batch, 'fanin', [200])]), '');
  });
});

describe('metricsTable', () => {
  const message = { caseId: 'kafkajs-each-message' as const, variant: '' };
  const table = metricsTable([
    testRow(message, 'none', [100]),
    testRow(message, 'fanin', [1_100]),
    testRow(message, 'fanin-metrics', [1_300]),
    testRow(message, 'floor', [600]),
    testRow(message, 'floor-metrics', [900]),
  ]);
  const cells = (spansBy: string) =>
    table
      .split('\n')
      .map((text) => text.split('|').map((cell) => cell.trim()))
      .find((row) => row[3] === spansBy)
      ?.slice(1, -1);

  it('sets spans + metrics against spans alone, for fanin and for the floor', () => {
    assert.deepEqual(cells('fanin'), [
      'kafkajs-each-message',
      '1',
      'fanin',
      '+1,000',
      '+1,200',
      '1.20',
      '+1,000',
      '+1,200',
      '1.20',
    ]);
    assert.deepEqual(cells('floor')?.slice(3, 6), ['+500', '+800', '1.60']);
  });

  it('leaves out a pair that did not run both modes', () => {
    const fanin = metricsTable([
      testRow(message, 'none', [100]),
      testRow(message, 'fanin', [1_100]),
      testRow(message, 'fanin-metrics', [1_300]),
      testRow(message, 'floor', [600]),
    ]);
    assert.equal(fanin.split('\n').filter((text) => text.includes('| floor |')).length, 0);
  });
});

describe('samplingTable', () => {
  const at = (variant: string) => ({ caseId: 'kafkajs-each-batch-sampled' as const, variant });
  const table = samplingTable([
    testRow(at('ratio-1.0'), 'none', [100]),
    testRow(at('ratio-1.0'), 'fanin', [2_100]),
    testRow(at('ratio-0.1'), 'none', [100]),
    testRow(at('ratio-0.1'), 'fanin', [600], 0, {
      rootDecisions: 10,
      rootSampled: 1,
      sampledProducers: 1_000,
      sampledLinksExported: 100,
    }),
    { ...testRow(at('ratio-0.1'), 'fanin-link-sampler', []), unavailable: 'not yet' },
  ]);

  it('sets the extra at 0.1 beside 1.0, with the share recorded and what the target allows', () => {
    assert.deepEqual(line(table, 'fanin'), [
      'fanin',
      '+2,000',
      '+500',
      '0.25',
      '+2,000',
      '+500',
      '0.25',
      '10.0 %',
      '≤ 0.24',
      '10.0 %',
    ]);
  });

  it('shows n/a for a mode that could not run', () => {
    assert.deepEqual(line(table, 'fanin-link-sampler').slice(1), new Array(9).fill('n/a'));
  });
});
