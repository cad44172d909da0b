import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RowKey } from '../cases';
import type { Mode, Sample } from '../model';
import { checkRows, type RowExpectation } from './checks';
import { summarise } from './summarise';
import { testSample } from './test-rows';

const SAMPLED = { caseId: 'kafkajs-each-batch-sampled' as const, variant: 'ratio-0.1' };
const BATCH = { caseId: 'kafkajs-each-batch' as const, variant: '1000' };

const sample = testSample;

const expectation = (key: RowKey): RowExpectation => ({
  messages: 10_000,
  allocations: true,
  ...(key.caseId === 'kafkajs-each-batch-sampled' ? { samplingRatio: 0.1 } : {}),
});

function problemsOf(key: RowKey, mode: Mode, samples: Sample[], unavailable?: string) {
  const row = summarise({
    ...key,
    mode,
    samples,
    failures: [],
    ...(unavailable ? { unavailable } : {}),
  });
  return checkRows([row], expectation);
}

describe('checkRows', () => {
  const cases: Array<[string, RowKey, Mode, Sample[], RegExp | undefined]> = [
    ['a complete fanin row', BATCH, 'fanin', [sample()], undefined],
    [
      'a floor row that exported no link',
      BATCH,
      'floor',
      [sample({ linksExported: 0 })],
      /no link/,
    ],
    [
      'an uninstrumented row that recorded spans',
      BATCH,
      'none',
      [sample()],
      /without instrumentation/,
    ],
    [
      'an uninstrumented row that recorded nothing',
      BATCH,
      'none',
      [sample({ spansStarted: 0, spansExported: 0, linksExported: 0 })],
      undefined,
    ],
    [
      'a row that counted no allocation',
      BATCH,
      'fanin',
      [sample({ allocatedBytes: 0 })],
      /allocation/,
    ],
    ['a row short of messages', BATCH, 'fanin', [sample({ messages: 9_000 })], /expected 10000/],
    [
      'a sampled-down row whose every batch span was dropped',
      SAMPLED,
      'fanin',
      [
        sample({
          spansStarted: 0,
          spansExported: 0,
          linksExported: 0,
          sampledLinksExported: 0,
          rootSampled: 0,
        }),
      ],
      undefined,
    ],
    [
      'a sampled-down row whose sampler missed batch spans',
      SAMPLED,
      'floor',
      [sample({ rootDecisions: 4 })],
      /decided on 4 of 10/,
    ],
    [
      'a sampled-down row that recorded spans without links',
      SAMPLED,
      'fanin',
      [sample({ linksExported: 0, sampledLinksExported: 0 })],
      /without links/,
    ],
    [
      'more links to sampled producers than there were',
      SAMPLED,
      'fanin',
      [sample({ sampledLinksExported: 1_001 })],
      /of 1000/,
    ],
    ['a row without samples', BATCH, 'fanin', [], /no sample/],
  ];
  for (const [name, key, mode, samples, problem] of cases) {
    it(`${problem ? 'flags' : 'accepts'} ${name}`, () => {
      const problems = problemsOf(key, mode, samples);
      if (problem) assert.match(problems.join('\n'), problem);
      else assert.deepEqual(problems, []);
    });
  }

  it('skips a row marked unavailable', () => {
    assert.deepEqual(problemsOf(SAMPLED, 'fanin-link-sampler', [], 'not there yet'), []);
  });
});
