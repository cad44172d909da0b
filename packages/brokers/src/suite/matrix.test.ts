import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  failingTests,
  isFlagSet,
  matrixRuns,
  parseImageList,
  parseTestSummary,
  type RunResult,
  renderReport,
} from './matrix';

describe('matrixRuns', () => {
  it('runs the baseline, then varies one broker at a time', () => {
    assert.deepEqual(matrixRuns(['k3', 'k4'], ['r3', 'r4']), [
      { kafkaImage: 'k3', rabbitmqImage: 'r3' },
      { kafkaImage: 'k4', rabbitmqImage: 'r3' },
      { kafkaImage: 'k3', rabbitmqImage: 'r4' },
    ]);
    assert.deepEqual(matrixRuns(['k3'], ['r3']), [{ kafkaImage: 'k3', rabbitmqImage: 'r3' }]);
  });

  it('needs an image of each broker', () => {
    assert.throws(() => matrixRuns([], ['r3']), /at least one image/);
  });
});

describe('parseImageList', () => {
  it('splits and trims, and reads blank as unset', () => {
    assert.deepEqual(parseImageList(' a:1 , b:2,, '), ['a:1', 'b:2']);
    assert.equal(parseImageList(' , '), undefined);
    assert.equal(parseImageList(undefined), undefined);
  });
});

const SPEC_OUTPUT = `▶ kafkajs eachBatch against a real broker
  ✔ one span per batch (812.1ms)
  ✖ links carry offsets (33.9ms)
ℹ tests 14
ℹ suites 5
ℹ pass 13
ℹ fail 1
ℹ cancelled 0

✖ failing tests:

test at dist/kafka-each-batch.test.js:1:1
✖ links carry offsets (33.9ms)
  AssertionError: ...
`;

describe('test output', () => {
  it('reads the closing counts of the spec and TAP reporters', () => {
    assert.deepEqual(parseTestSummary(SPEC_OUTPUT), { tests: 14, pass: 13, fail: 1 });
    assert.deepEqual(parseTestSummary('# tests 3\n# pass 3\n# fail 0\n'), {
      tests: 3,
      pass: 3,
      fail: 0,
    });
    assert.equal(parseTestSummary('Error: no broker\n'), undefined);
  });

  it('lists the failing tests once each', () => {
    assert.deepEqual(failingTests(SPEC_OUTPUT), ['links carry offsets']);
    assert.deepEqual(failingTests('ℹ fail 0\n'), []);
  });
});

describe('renderReport', () => {
  const result = (overrides: Partial<RunResult>): RunResult => ({
    kafkaImage: 'k3',
    rabbitmqImage: 'r3',
    exit: 0,
    counts: { tests: 14, pass: 14, fail: 0 },
    failing: [],
    seconds: 60,
    ...overrides,
  });

  it('tabulates runs and closes with a plain total line', () => {
    const lines = renderReport(
      [
        result({}),
        result({
          kafkaImage: 'k4',
          exit: 1,
          counts: { tests: 14, pass: 13, fail: 1 },
          failing: ['x'],
        }),
      ],
      'matrix',
    );
    assert.match(lines[1] ?? '', /^PASS\s+k3\s+r3\s+14\/14\s+exit 0\s+60 s$/);
    assert.match(lines[2] ?? '', /^FAIL\s+k4\s+r3\s+13\/14\s+exit 1/);
    assert.ok(lines.includes('  ✖ k4 + r3: x'));
    assert.equal(lines.at(-1), 'matrix: 27 passed, 1 not passed');
  });

  it('counts a cancelled test file (its process outlived the timeout) as not passed', () => {
    const lines = renderReport(
      [
        result({
          exit: 1,
          counts: { tests: 309, pass: 308, fail: 0 },
          failing: ['dist/x.test.js'],
        }),
      ],
      'matrix',
    );
    assert.match(lines[1] ?? '', /^FAIL\s+k3\s+r3\s+308\/309\s+exit 1/);
    assert.equal(lines.at(-1), 'matrix: 308 passed, 1 not passed');
  });

  it('counts a run that died before its summary as a failure', () => {
    const lines = renderReport([result({ exit: 'SIGKILL', counts: undefined })], 'containers');
    assert.match(lines[1] ?? '', /^FAIL/);
    assert.equal(lines.at(-1), 'containers: 0 passed, 1 not passed');
  });
});

describe('isFlagSet', () => {
  it('reads 1/true/yes as set and 0/false/no/blank as unset', () => {
    assert.equal(isFlagSet('1'), true);
    assert.equal(isFlagSet('yes'), true);
    assert.equal(isFlagSet('0'), false);
    assert.equal(isFlagSet('False'), false);
    assert.equal(isFlagSet(' '), false);
    assert.equal(isFlagSet(undefined), false);
  });
});
