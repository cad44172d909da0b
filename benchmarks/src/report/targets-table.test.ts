import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RowKey } from '../cases';
import { targetsTable } from './targets-table';
import { testRow } from './test-rows';

/** The verdict and figures of the line whose target starts with `start`. */
function line(table: string, start: string): string[] {
  const found = table.split('\n').find((text) => text.startsWith(`| ${start}`));
  assert.ok(found, `no line for ${start} in\n${table}`);
  return found
    .split('|')
    .slice(2, -1)
    .map((cell) => cell.trim());
}

const batch = (variant: string): RowKey => ({ caseId: 'kafkajs-each-batch', variant });
const broker = (caseId: RowKey['caseId']): RowKey => ({ caseId, variant: '' });

describe('targetsTable', () => {
  const table = targetsTable([
    testRow(batch('1000'), 'none', [100], 10),
    testRow(batch('1000'), 'fanin', [1_300], 610),
    testRow(batch('1000'), 'fanin-metrics', [1_400], 610),
    testRow(batch('1000'), 'floor', [1_100], 410),
    // 10 messages per microsecond of wall time: messages/s is 1e9 / wall ns.
    testRow(broker('kafkajs-broker-each-batch'), 'none', [10]),
    testRow(broker('kafkajs-broker-each-batch'), 'fanin', [12.5]),
    testRow(broker('kafkajs-broker-each-batch'), 'floor', [11]),
    testRow(broker('amqplib-broker-batch'), 'none', [10_000]),
    testRow(broker('amqplib-broker-batch'), 'fanin', [13_000]),
    testRow(broker('amqplib-broker-batch'), 'floor', [12_000]),
    testRow(broker('amqplib-broker-consume'), 'none', [10_000]),
    testRow(broker('amqplib-broker-consume'), 'official', [20_000]),
    testRow(broker('amqplib-broker-consume'), 'fanin', [19_000]),
  ]);

  it("sets fanin's extra against the floor's per figure, met at 1.3 or less", () => {
    assert.deepEqual(line(table, "eachBatch ×1,000 in process: fanin's extra wall"), [
      '1.20×',
      '1.00×',
      'met',
    ]);
    assert.deepEqual(line(table, "eachBatch ×1,000 in process: fanin's extra bytes"), [
      '1.50×',
      '1.00×',
      'missed',
    ]);
  });

  it('gives broker throughput as a multiple of none, beside the floor', () => {
    assert.deepEqual(line(table, 'Kafka eachBatch throughput'), ['0.80×', '0.91×', 'met']);
  });

  it('says n/a for a target whose rows did not run', () => {
    assert.deepEqual(line(table, 'Kafka eachMessage throughput'), ['n/a', 'n/a', 'n/a']);
    assert.equal(line(table, 'eachMessage in process').at(-1), 'n/a');
  });

  it('judges the amqplib figures in CPU µs per message', () => {
    assert.deepEqual(line(table, 'amqplib consumeBatch'), ['+3.00 µs', '+2.00 µs', 'missed']);
    assert.deepEqual(line(table, 'amqplib consume:'), [
      '+9.00 µs (official +10.00 µs)',
      '–',
      'met',
    ]);
  });

  it('sets spans + metrics against spans alone', () => {
    assert.deepEqual(line(table, 'eachBatch ×1,000 in process: CPU of spans + metrics'), [
      '1.08×',
      '–',
      'met',
    ]);
  });

  it('is empty when no target could be judged', () => {
    assert.equal(targetsTable([testRow(batch('1'), 'none', [100])]), '');
  });
});
