// An ES module application: Confluent's client is imported, not required,
// after the instrumentation registered itself through the import hook.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ensureConfluentAddon } from './confluent-fixture';

describe('the Confluent adapter in an ES module application', () => {
  it('patches the client imported with import, and restores it on disable()', () => {
    ensureConfluentAddon();
    const script = `
      import { register } from 'node:module';
      register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
      const { ConfluentKafkaInstrumentation } = await import('@fanin/instrumentation-confluent-kafka');
      const instrumentation = new ConfluentKafkaInstrumentation();
      const { KafkaJS } = await import('@confluentinc/kafka-javascript');
      const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: ['127.0.0.1:1'] } });
      const traced = kafka.consumer({ kafkaJS: { groupId: 'g' } }).run.name;
      instrumentation.disable();
      const restored = kafka.consumer({ kafkaJS: { groupId: 'g' } }).run.name;
      console.log(JSON.stringify({ traced, restored }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: __dirname,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
    assert.deepEqual(result, { traced: 'tracedRun', restored: 'run' });
  });
});
