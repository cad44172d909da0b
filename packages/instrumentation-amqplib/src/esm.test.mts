// An ESM application: amqplib is imported, not required, after the
// instrumentation registered itself through the import-in-the-middle hook.
import assert from 'node:assert/strict';
import { createRequire, register } from 'node:module';
import { describe, it } from 'node:test';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

describe('AmqplibInstrumentation in an ES module application', () => {
  it('patches amqplib imported with import, promise and callback API', async () => {
    const { AmqplibInstrumentation } = await import('./index.js');
    const { isWrapped } = await import('@opentelemetry/instrumentation');
    const instrumentation = new AmqplibInstrumentation();
    const amqplib = await import('amqplib');
    const callbackApi = await import('amqplib/callback_api.js');
    assert.equal(typeof amqplib.connect, 'function');
    assert.equal(typeof callbackApi.connect, 'function');
    const require = createRequire(import.meta.url);
    for (const file of ['amqplib/lib/channel_model.js', 'amqplib/lib/callback_model.js']) {
      const { Channel, ConfirmChannel } = require(file);
      assert.equal(isWrapped(Channel.prototype.consume), true, file);
      assert.equal(isWrapped(ConfirmChannel.prototype.publish), true, file);
    }
    instrumentation.disable();
  });
});
