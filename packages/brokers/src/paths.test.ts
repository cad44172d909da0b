import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { brokerPaths, findRepoRoot } from './paths';

const root = mkdtempSync(join(tmpdir(), 'fanin-root-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('findRepoRoot', () => {
  it('skips package manifests without workspaces', () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['packages/*'] }));
    const pkg = join(root, 'packages', 'brokers');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@fanin/brokers' }));
    assert.equal(findRepoRoot(join(pkg, 'dist')), root);
    assert.deepEqual(brokerPaths(root), {
      root,
      brokersDir: join(root, '.brokers'),
      stateFile: join(root, '.brokers', 'state.json'),
      envFile: join(root, '.brokers.env'),
    });
  });

  it('finds this repository from the compiled package', () => {
    assert.ok(findRepoRoot().length > 1);
  });
});
