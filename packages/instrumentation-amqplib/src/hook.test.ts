import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';

// The require hook names a package after its directory, so the `amqplib-current`
// alias is not `amqplib` to it. An application of the current major has it
// installed as `amqplib`: reproduce that with a symlink, kept as the module's
// path by --preserve-symlinks, and let the real hook do the rest.
describe('the require hook, for the current amqplib major installed as amqplib', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fanin-amqplib-hook-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('patches it by name and version, promise and callback API', () => {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(
      dirname(require.resolve('amqplib-current')),
      join(dir, 'node_modules', 'amqplib'),
      'dir',
    );
    const script = join(dir, 'app.js');
    writeFileSync(
      script,
      `
      const { join, dirname } = require('node:path');
      const { AmqplibInstrumentation } = require(${JSON.stringify(join(__dirname, 'index.js'))});
      const { isWrapped } = require(${JSON.stringify(require.resolve('@opentelemetry/instrumentation'))});
      new AmqplibInstrumentation();
      require('amqplib');
      require('amqplib/callback_api');
      const root = dirname(require.resolve('amqplib'));
      const model = require(join(root, 'lib/channel_model.js'));
      const callbackModel = require(join(root, 'lib/callback_model.js'));
      console.log(JSON.stringify({
        version: require(join(root, 'package.json')).version,
        root,
        promise: isWrapped(model.Channel.prototype.ack) && isWrapped(model.ConfirmChannel.prototype.publish),
        callback: isWrapped(callbackModel.Channel.prototype.consume),
      }));
      `,
    );
    const output = execFileSync(process.execPath, ['--preserve-symlinks', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const result = JSON.parse(output.trim().split('\n').pop() ?? '{}');
    assert.match(result.version, /^2\./);
    assert.equal(result.root, join(dir, 'node_modules', 'amqplib'));
    assert.equal(result.promise, true);
    assert.equal(result.callback, true);
  });
});
