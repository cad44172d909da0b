import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { commandLineOf, isProcessAlive, stopProcessGroup } from './processes';

describe('processes', () => {
  it('tells a running process from an exited one', async () => {
    assert.equal(isProcessAlive(process.pid), true);
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    assert.equal(isProcessAlive(child.pid ?? 0), false);
  });

  it('stops a detached process group', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'fanin-marker'], {
      detached: true,
      stdio: 'ignore',
    });
    const pid = child.pid ?? 0;
    assert.ok(commandLineOf(pid)?.includes('fanin-marker'));
    await stopProcessGroup(pid, 5_000);
    assert.equal(isProcessAlive(pid), false);
  });
});
