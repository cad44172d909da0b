import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dockerEndpoint, pingDocker } from './docker';

const dir = mkdtempSync(join(tmpdir(), 'fanin-docker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('dockerEndpoint', () => {
  it('reads unix and tcp DOCKER_HOST values', () => {
    assert.deepEqual(dockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }), {
      socketPath: '/run/user/1000/docker.sock',
    });
    assert.deepEqual(dockerEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }), {
      host: '127.0.0.1',
      port: 2375,
      tls: false,
    });
    assert.match(String(dockerEndpoint({ DOCKER_HOST: 'ssh://me@host' })), /not a unix/);
  });
});

describe('pingDocker', () => {
  it('answers quickly when the socket does not exist', async () => {
    const started = Date.now();
    const probe = await pingDocker({ DOCKER_HOST: `unix://${join(dir, 'none.sock')}` });
    assert.equal(probe.ok, false);
    assert.ok(Date.now() - started < 1_000);
  });

  it('accepts an engine answering /_ping', async () => {
    const socketPath = join(dir, 'engine.sock');
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/_ping' ? 200 : 404;
      res.end('OK');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      assert.deepEqual(await pingDocker({ DOCKER_HOST: `unix://${socketPath}` }), { ok: true });
    } finally {
      server.close();
    }
  });
});
