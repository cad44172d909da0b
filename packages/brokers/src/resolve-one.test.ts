import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BrokerKind } from './broker-kind';
import type { BrokersMode } from './mode';
import { brokerPaths } from './paths';
import { type ResolveContext, resolveOne } from './resolve-one';
import type { Probe } from './types';

const root = mkdtempSync(join(tmpdir(), 'fanin-resolve-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface FakeRecord {
  address: string;
  how: 'container' | 'local';
}

function fakeKind(options: { containerFails?: boolean; fromEnv?: string } = {}) {
  const calls: string[] = [];
  const kind: BrokerKind<string, FakeRecord> = {
    name: 'Fake',
    stateKey: 'kafka',
    envVar: 'FAKE_URL',
    ...(options.fromEnv ? { fromEnv: options.fromEnv } : {}),
    showAddress: (address) => address,
    addressOf: (record) => record.address,
    describeRecord: (record) => record.how,
    probe: async () => ({ ok: true }),
    recordGone: () => undefined,
    startContainer: async () => {
      calls.push('container');
      if (options.containerFails) throw new Error('image not found');
      return { address: 'from-container', how: 'container' };
    },
    localOrigin: 'local jars',
    localLabel: 'local fake',
    startLocal: async () => {
      calls.push('local');
      return { address: 'from-local', how: 'local' };
    },
    stopRecord: async () => {},
  };
  return { kind, calls };
}

function context(mode: BrokersMode, docker: Probe): ResolveContext {
  return {
    paths: brokerPaths(root),
    detached: false,
    log: () => {},
    docker: async () => docker,
    mode,
  };
}

describe('resolveOne modes', () => {
  const up: Probe = { ok: true };
  const down: Probe = { ok: false, reason: 'no socket' };

  it('containers: starts a container even when the environment names a broker', async () => {
    const { kind, calls } = fakeKind({ fromEnv: 'from-env' });
    const resolved = await resolveOne(kind, context('containers', up));
    assert.equal(resolved.address, 'from-container');
    assert.equal(resolved.origin, 'container');
    assert.deepEqual(calls, ['container']);
  });

  it('containers: no Docker engine is an error that says so', async () => {
    const { kind, calls } = fakeKind();
    await assert.rejects(
      resolveOne(kind, context('containers', down)),
      /no Docker engine answers \(no socket\)/,
    );
    assert.deepEqual(calls, []);
  });

  it('containers: a container that fails is an error, never a local fallback', async () => {
    const { kind, calls } = fakeKind({ containerFails: true });
    await assert.rejects(
      resolveOne(kind, context('containers', up)),
      /FANIN_BROKERS=containers: the Fake container did not start: image not found/,
    );
    assert.deepEqual(calls, ['container']);
  });

  it('local: never asks Docker', async () => {
    const { kind, calls } = fakeKind({ fromEnv: 'from-env' });
    const resolved = await resolveOne(kind, context('local', up));
    assert.equal(resolved.address, 'from-local');
    assert.deepEqual(calls, ['local']);
  });

  it('auto: falls back from a failed container to the local path', async () => {
    const { kind, calls } = fakeKind({ containerFails: true });
    const resolved = await resolveOne(kind, context('auto', up));
    assert.equal(resolved.address, 'from-local');
    assert.deepEqual(calls, ['container', 'local']);
  });
});
