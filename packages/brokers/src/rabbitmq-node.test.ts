import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeEnvironment, renderNodeConfig } from './rabbitmq-node';

describe('a private RabbitMQ node', () => {
  const node = { nodename: 'fanin-40001@localhost', port: 40001, distPort: 40002, base: '/tmp/n' };

  it('lets guest in over loopback, logs to the console', () => {
    const config = renderNodeConfig().split('\n');
    assert.ok(config.includes('loopback_users = none'));
    assert.ok(config.includes('log.console = true'));
  });

  it('has its own name, ports, config, plugins file, data, logs and cookie', () => {
    const env = nodeEnvironment(node);
    assert.equal(env.RABBITMQ_NODENAME, node.nodename);
    assert.equal(env.RABBITMQ_NODE_PORT, '40001');
    assert.equal(env.RABBITMQ_DIST_PORT, '40002');
    assert.equal(env.RABBITMQ_NODE_IP_ADDRESS, '127.0.0.1');
    for (const name of [
      'RABBITMQ_CONFIG_FILE',
      'RABBITMQ_ENABLED_PLUGINS_FILE',
      'RABBITMQ_MNESIA_BASE',
      'RABBITMQ_LOG_BASE',
      'RABBITMQ_PID_FILE',
      'HOME',
    ]) {
      assert.ok(env[name]?.startsWith(node.base), `${name} is inside the node's directory`);
    }
  });

  it("never takes the machine's port 5672", () => {
    assert.throws(() => nodeEnvironment({ ...node, port: 5672 }), /5672/);
    assert.throws(() => nodeEnvironment({ ...node, distPort: 5672 }), /5672/);
  });
});
