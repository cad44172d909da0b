// The example of @fanin/instrumentation-confluent-kafka's README, run against the
// real broker in a process of its own (it registers its own instrumentation).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { kafkaBrokersFromEnv } from './brokers-env';
import { ensureConfluentAddon } from './confluent-fixture';
import { createKafka, createTopic, uniqueName } from './kafka-fixture';

const example = join(
  dirname(require.resolve('@fanin/instrumentation-confluent-kafka')),
  'examples',
  'send-and-consume.js',
);

describe("the Confluent adapter's README example", () => {
  it('handles the orders in batch spans linked to every send span', async () => {
    ensureConfluentAddon();
    const topic = uniqueName('fanin-confluent-example');
    await createTopic(createKafka(), topic, 1);
    const script = `
      const { installTestTracing } = require(${JSON.stringify(require.resolve('@fanin/test-utils'))});
      const tracing = installTestTracing();
      const { sendAndConsume } = require(${JSON.stringify(example)});
      sendAndConsume(${JSON.stringify(kafkaBrokersFromEnv())}, ${JSON.stringify(topic)}, 5).then((ids) => {
        const spans = tracing.spans();
        const batches = spans.filter((span) => span.name === 'process ${topic}');
        const sends = spans.filter((span) => span.name === 'send ${topic}');
        console.log(JSON.stringify({
          ids,
          batches: batches.map((span) => span.spanContext().spanId),
          links: batches.reduce((sum, span) => sum + span.links.length, 0),
          sends: sends.length,
        }));
      });
    `;
    const child = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
    assert.equal(result.sends, 5);
    assert.equal(result.links, 5, 'every send span is linked');
    assert.deepEqual(result.batches, result.ids, 'each handler call ran in its batch span');
  });
});
