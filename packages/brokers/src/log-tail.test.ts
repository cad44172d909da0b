import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogTail } from './log-tail';

describe('LogTail', () => {
  it('keeps the last lines across chunk boundaries', () => {
    const tail = new LogTail(2);
    tail.push('one\ntw');
    tail.push(Buffer.from('o\r\nthree\nfo'));
    assert.equal(tail.text(), 'two\nthree\nfo');
  });

  it('is empty before any output', () => {
    assert.equal(new LogTail().text(), '');
  });
});
