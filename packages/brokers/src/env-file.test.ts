import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderEnvLines, shellQuote } from './env-file';

describe('renderEnvLines', () => {
  it('renders export lines for the brokers resolved', () => {
    assert.deepEqual(
      renderEnvLines({
        kafkaBrokers: ['127.0.0.1:39092', '127.0.0.1:39093'],
        rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672',
      }),
      [
        'export KAFKA_BROKERS=127.0.0.1:39092,127.0.0.1:39093',
        'export RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672',
      ],
    );
    assert.deepEqual(renderEnvLines({ kafkaBrokers: [], rabbitmqUrl: 'amqp://h' }), [
      'export RABBITMQ_URL=amqp://h',
    ]);
  });
});

describe('shellQuote', () => {
  it('quotes only what a shell would split or expand', () => {
    assert.equal(shellQuote('amqp://u:p@h:1/vh'), 'amqp://u:p@h:1/vh');
    assert.equal(shellQuote('amqp://u:p$x@h'), "'amqp://u:p$x@h'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });
});
