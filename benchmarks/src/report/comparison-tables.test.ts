import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floorTable } from './floor-table';
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

  it('is empty without a floor row', () => {
    assert.equal(floorTable([testRow(batch, 'none', [100]), testRow(batch, 'fanin', [200])]), '');
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
