import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetInState, parseState, readState, writeState } from './state';
import type { BrokersState } from './types';

const dir = mkdtempSync(join(tmpdir(), 'fanin-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const state: BrokersState = {
  kafka: {
    origin: 'local jars',
    brokers: ['127.0.0.1:39092'],
    pid: 4242,
    home: '/r/.brokers/kafka-39092',
    version: '4.1.1',
  },
  rabbitmq: {
    origin: 'local service',
    url: 'amqp://guest:guest@127.0.0.1:5672',
    startedService: false,
  },
};

describe('state file', () => {
  it('round-trips through write and read, creating the folder', () => {
    const file = join(dir, 'nested', 'state.json');
    writeState(file, state);
    assert.deepEqual(readState(file), state);
    assert.ok(readFileSync(file, 'utf8').endsWith('\n'));
  });

  it('forgets one broker and removes the file once empty', () => {
    const file = join(dir, 'forget.json');
    writeState(file, state);
    forgetInState(file, 'kafka');
    assert.deepEqual(readState(file), { rabbitmq: state.rabbitmq });
    forgetInState(file, 'rabbitmq');
    assert.equal(existsSync(file), false);
  });

  it('reads a missing or malformed file as no state', () => {
    assert.deepEqual(readState(join(dir, 'missing.json')), {});
    assert.deepEqual(parseState('{not json'), {});
    assert.deepEqual(parseState('[1,2]'), {});
  });

  it('drops records that lack what stopping them needs', () => {
    const parsed = parseState(
      JSON.stringify({
        kafka: { origin: 'local jars', brokers: ['127.0.0.1:1'], home: '/x', version: '4.1.1' },
        rabbitmq: {
          origin: 'container',
          url: 'amqp://h:1',
          containerId: 'abc',
          image: 'rabbitmq:4.1',
        },
      }),
    );
    assert.deepEqual(parsed, {
      rabbitmq: {
        origin: 'container',
        url: 'amqp://h:1',
        containerId: 'abc',
        image: 'rabbitmq:4.1',
      },
    });
  });
});
