import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerText, parseTraceparent, producerKey } from './parse-traceparent';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${SPAN}-01`;

describe('parseTraceparent', () => {
  const accepted: Array<[string, string, number]> = [
    ['a sampled version-00 value', VALID, 1],
    ['an unsampled one', `00-${TRACE}-${SPAN}-00`, 0],
    ['other flag bits kept', `00-${TRACE}-${SPAN}-03`, 3],
    ['a later version with more fields', `01-${TRACE}-${SPAN}-01-extra`, 1],
    ['a later version of exactly 55 characters', `cc-${TRACE}-${SPAN}-01`, 1],
  ];
  for (const [name, text, flags] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(parseTraceparent(text), {
        traceId: TRACE,
        spanId: SPAN,
        traceFlags: flags,
        isRemote: true,
      });
    });
  }

  const rejected: Array<[string, string]> = [
    ['an empty value', ''],
    ['a value one character short', VALID.slice(0, -1)],
    ['version 00 with trailing data', `${VALID}-extra`],
    ['version 00 with a trailing character', `${VALID}x`],
    ['a later version followed by a non-dash', `01-${TRACE}-${SPAN}-01x`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['uppercase hex in the trace id', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a non-hex span id', `00-${TRACE}-${SPAN.slice(0, 15)}g-01`],
    ['non-hex flags', `00-${TRACE}-${SPAN}-0x`],
    ['a non-hex version', `0g-${TRACE}-${SPAN}-01`],
    ['a misplaced separator', `00-${TRACE.slice(1)}-0${SPAN}-01`],
    ['a separator other than a dash', `00_${TRACE}_${SPAN}_01`],
    ['a trace id one digit short', `00-${TRACE.slice(1)}-${SPAN}0-01`],
    ['an overlong later version', `01-${TRACE}-${SPAN}-01-${'a'.repeat(600)}`],
  ];
  for (const [name, text] of rejected) {
    it(`rejects ${name}`, () => assert.equal(parseTraceparent(text), undefined));
  }

  it('names a producer by its trace and span id', () => {
    assert.equal(producerKey(VALID), `${TRACE}-${SPAN}`);
  });
});

describe('headerText', () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    ['a string', VALID, VALID],
    ['a Buffer', Buffer.from(VALID), VALID],
    ['the first of an array', [Buffer.from(VALID), 'other'], VALID],
    ['undefined', undefined, undefined],
    ['a number', 42, undefined],
    ['an object', { toString: () => VALID }, undefined],
    ['an empty array', [], undefined],
    ['an overlong string', 'a'.repeat(513), undefined],
    ['an overlong Buffer', Buffer.alloc(513, 'a'), undefined],
  ];
  for (const [name, value, expected] of cases) {
    it(`reads ${name}`, () => assert.equal(headerText(value), expected));
  }
});
