import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPassword, parseKafkaBrokers, parseRabbitmqUrl, readBrokerEnv } from './env';

describe('parseKafkaBrokers', () => {
  it('splits, trims and drops empty entries', () => {
    assert.deepEqual(parseKafkaBrokers(' 127.0.0.1:39092, localhost:9092 ,'), [
      '127.0.0.1:39092',
      'localhost:9092',
    ]);
  });

  it('rejects entries without a valid port, naming the variable', () => {
    assert.throws(
      () => parseKafkaBrokers('localhost'),
      /KAFKA_BROKERS: "localhost" is not host:port/,
    );
    assert.throws(() => parseKafkaBrokers('h:70000'), /not host:port/);
    assert.throws(() => parseKafkaBrokers(' , '), /lists no broker/);
  });
});

describe('parseRabbitmqUrl', () => {
  it('accepts amqp and amqps URLs', () => {
    assert.equal(parseRabbitmqUrl(' amqp://u:p@h:5672 '), 'amqp://u:p@h:5672');
    assert.equal(parseRabbitmqUrl('amqps://h'), 'amqps://h');
  });

  it('rejects other URLs and non-URLs', () => {
    assert.throws(() => parseRabbitmqUrl('http://h'), /RABBITMQ_URL: .* not an amqp/);
    assert.throws(() => parseRabbitmqUrl('localhost:5672x'), /RABBITMQ_URL/);
  });
});

describe('readBrokerEnv', () => {
  it('reads both variables and treats blank ones as unset', () => {
    assert.deepEqual(readBrokerEnv({ KAFKA_BROKERS: 'a:1,b:2', RABBITMQ_URL: 'amqp://x' }), {
      kafkaBrokers: ['a:1', 'b:2'],
      rabbitmqUrl: 'amqp://x',
    });
    assert.deepEqual(readBrokerEnv({ KAFKA_BROKERS: '  ', RABBITMQ_URL: '' }), {});
  });
});

describe('maskPassword', () => {
  it('hides the password only', () => {
    assert.equal(
      maskPassword('amqp://guest:guest@127.0.0.1:5672'),
      'amqp://guest:***@127.0.0.1:5672',
    );
    assert.equal(maskPassword('amqp://127.0.0.1:5672/vh'), 'amqp://127.0.0.1:5672/vh');
  });
});
