import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import { SpanStatusCode } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from './instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const tracing = installTestTracing();

describe('KafkaJsInstrumentation with the real kafkajs module', () => {
  const instrumentation = new KafkaJsInstrumentation();
  // Loaded after enable(), through require, as an application would.
  const kafkajs = require('kafkajs') as typeof import('kafkajs');
  const prototype = kafkajs.Kafka.prototype;

  it('patches Kafka.prototype.producer and consumer', () => {
    assert.equal(isWrapped(prototype.producer), true);
    assert.equal(isWrapped(prototype.consumer), true);
  });

  it('traces a real producer: a send that fails is ERROR and the kafkajs error reaches the caller', async () => {
    const kafka = new kafkajs.Kafka({
      brokers: ['127.0.0.1:1'],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const message: import('kafkajs').Message = { value: 'v' };
    await assert.rejects(
      kafka.producer().send({ topic: 'orders', messages: [message] }),
      (error: Error) => error.name === 'KafkaJSError',
    );
    const [span] = tracing.spans();
    assert.equal(span?.name, 'send orders');
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.match(String(message.headers?.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('wraps consumer.run on consumers it creates', () => {
    const kafka = new kafkajs.Kafka({
      brokers: ['127.0.0.1:1'],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    assert.equal(kafka.consumer({ groupId: 'g' }).run.name, 'tracedRun');
  });

  it('restores kafkajs exactly on disable()', () => {
    const originalProducer = (prototype.producer as unknown as { __original: unknown }).__original;
    const originalConsumer = (prototype.consumer as unknown as { __original: unknown }).__original;
    instrumentation.disable();
    assert.equal(prototype.producer, originalProducer);
    assert.equal(prototype.consumer, originalConsumer);
    const kafka = new kafkajs.Kafka({
      brokers: ['127.0.0.1:1'],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    assert.notEqual(kafka.consumer({ groupId: 'g' }).run.name, 'tracedRun');
    instrumentation.enable();
    assert.equal(isWrapped(prototype.consumer), true);
    instrumentation.disable();
  });

  it('reports the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    assert.equal(PACKAGE_NAME, manifest.name);
    assert.equal(PACKAGE_VERSION, manifest.version);
  });
});
