// An ESM application: kafkajs is imported, not required, after the
// instrumentation registered itself through the import-in-the-middle hook.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { describe, it } from 'node:test';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

describe('KafkaJsInstrumentation in an ES module application', () => {
  it('patches kafkajs imported with import', async () => {
    const { KafkaJsInstrumentation } = await import('./index.js');
    const instrumentation = new KafkaJsInstrumentation();
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });
    assert.equal(kafka.consumer({ groupId: 'g' }).run.name, 'tracedRun');
    instrumentation.disable();
  });
});
