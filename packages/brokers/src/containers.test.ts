import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaContainerEnv, kafkaImage, rabbitmqImage } from './containers';
import { DEFAULT_IMAGES } from './defaults';

describe('container settings', () => {
  it('advertises the published port on 127.0.0.1 and listens on it inside too', () => {
    const env = kafkaContainerEnv(41234, 'cluster-id');
    assert.equal(env.KAFKA_LISTENERS, 'PLAINTEXT://:41234,CONTROLLER://:9093');
    assert.equal(env.KAFKA_ADVERTISED_LISTENERS, 'PLAINTEXT://127.0.0.1:41234');
    assert.equal(env.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.equal(env.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@localhost:9093');
    assert.equal(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, '1');
    assert.equal(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, '1');
    assert.equal(env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS, '0');
    assert.equal(env.CLUSTER_ID, 'cluster-id');
  });

  it('uses the default images unless overridden', () => {
    assert.equal(kafkaImage({}), DEFAULT_IMAGES.kafka);
    assert.equal(rabbitmqImage({ FANIN_RABBITMQ_IMAGE: ' ' }), DEFAULT_IMAGES.rabbitmq);
    assert.equal(kafkaImage({ FANIN_KAFKA_IMAGE: 'apache/kafka:4.1.1' }), 'apache/kafka:4.1.1');
  });
});
