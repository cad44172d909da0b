import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jvmArgs, newClusterId, renderLog4j2Properties, renderServerProperties } from './config';

function parseProperties(text: string): Map<string, string> {
  return new Map(
    text
      .trimEnd()
      .split('\n')
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)] as [string, string];
      }),
  );
}

describe('renderServerProperties', () => {
  const properties = parseProperties(
    renderServerProperties({
      brokerPort: 39092,
      controllerPort: 39093,
      dataDir: '/r/.brokers/kafka-39092/data',
    }),
  );

  it('configures one combined KRaft node on 127.0.0.1', () => {
    assert.equal(properties.get('process.roles'), 'broker,controller');
    assert.equal(properties.get('controller.quorum.voters'), '1@127.0.0.1:39093');
    assert.equal(
      properties.get('listeners'),
      'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093',
    );
    assert.equal(properties.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:39092');
    assert.equal(properties.get('log.dirs'), '/r/.brokers/kafka-39092/data');
  });

  it('sets what a single node needs for groups and transactions', () => {
    assert.equal(properties.get('offsets.topic.replication.factor'), '1');
    assert.equal(properties.get('transaction.state.log.replication.factor'), '1');
    assert.equal(properties.get('transaction.state.log.min.isr'), '1');
    assert.equal(properties.get('group.initial.rebalance.delay.ms'), '0');
    assert.equal(properties.get('auto.create.topics.enable'), 'true');
    assert.equal(properties.get('num.partitions'), '1');
  });
});

describe('kafka launch helpers', () => {
  it('never makes a cluster id that starts with a dash', () => {
    // 0xf8 encodes as "-" in base64url: the first draw starts with it, the second does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() as Buffer);
    assert.equal(id, Buffer.alloc(16, 0x01).toString('base64url'));
    assert.ok(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-'));
  });

  it('makes 22-character base64url cluster ids', () => {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
    assert.notEqual(id, newClusterId());
  });

  it('logs to the given file', () => {
    const properties = parseProperties(renderLog4j2Properties('/h/server.log'));
    assert.equal(properties.get('appender.file.fileName'), '/h/server.log');
    assert.equal(properties.get('rootLogger.appenderRef.file.ref'), 'file');
  });

  it('runs the main class from the jar folder with a bounded heap', () => {
    const args = jvmArgs(
      { libsDir: '/c/libs', log4jConfig: '/h/log4j2.properties', maxHeap: '512m' },
      'kafka.Kafka',
      ['/h/server.properties'],
    );
    assert.equal(args[0], '-Xmx512m');
    assert.ok(args.includes('-Dlog4j2.configurationFile=/h/log4j2.properties'));
    assert.deepEqual(args.slice(-4), ['-cp', '/c/libs/*', 'kafka.Kafka', '/h/server.properties']);
  });
});
