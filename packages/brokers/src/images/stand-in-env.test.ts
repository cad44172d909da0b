import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderStandInEnv } from './stand-in-env';

describe('renderStandInEnv', () => {
  it('selects the first image of each kind and lists all for the matrix', () => {
    const lines = renderStandInEnv({
      kafka: [
        { version: '3.9.1', image: 'localhost/fanin/kafka:3.9.1-a' },
        { version: '4.1.1', image: 'localhost/fanin/kafka:4.1.1-b' },
      ],
      rabbitmq: [
        {
          suite: 'bookworm',
          version: '3.10.8',
          image: 'localhost/fanin/rabbitmq:debian-bookworm-c',
        },
      ],
    });
    assert.deepEqual(
      lines.filter((line) => line.startsWith('export')),
      [
        'export FANIN_KAFKA_IMAGE=localhost/fanin/kafka:3.9.1-a',
        'export FANIN_RABBITMQ_IMAGE=localhost/fanin/rabbitmq:debian-bookworm-c',
        'export FANIN_MATRIX_KAFKA_IMAGES=localhost/fanin/kafka:3.9.1-a,localhost/fanin/kafka:4.1.1-b',
        'export FANIN_MATRIX_RABBITMQ_IMAGES=localhost/fanin/rabbitmq:debian-bookworm-c',
        'export TESTCONTAINERS_RYUK_DISABLED=true',
        'export TESTCONTAINERS_HOST_OVERRIDE=localhost',
      ],
    );
    assert.ok(
      lines.includes(
        '# RabbitMQ 3.10.8 (Debian bookworm): localhost/fanin/rabbitmq:debian-bookworm-c',
      ),
    );
  });

  it('refuses an empty set', () => {
    assert.throws(() => renderStandInEnv({ kafka: [], rabbitmq: [] }), /no stand-in/);
  });
});
