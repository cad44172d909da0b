import { relative } from 'node:path';
import type { BrokerKind } from './broker-kind';
import { startKafkaContainer, stopContainer } from './containers';
import { DEFAULT_KAFKA_VERSION, ENV } from './defaults';
import { isLocalKafkaRunning, startLocalKafka, stopLocalKafka } from './kafka-local/launch';
import { probeKafka } from './kafka-probe';
import type { KafkaRecord } from './types';

export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV.kafkaVersion]?.trim() || DEFAULT_KAFKA_VERSION;
}

export function kafkaKind(
  root: string,
  fromEnv: string[] | undefined,
): BrokerKind<string[], KafkaRecord> {
  const version = kafkaVersion();
  return {
    name: 'Kafka',
    stateKey: 'kafka',
    envVar: ENV.kafkaBrokers,
    ...(fromEnv ? { fromEnv } : {}),
    showAddress: (brokers) => brokers.join(','),
    addressOf: (record) => record.brokers,
    describeRecord: (record) =>
      record.origin === 'container'
        ? `container ${record.image} (${record.containerId.slice(0, 12)})`
        : `Apache Kafka ${record.version} from Maven Central jars, pid ${record.pid}, log ${relative(root, record.home)}/server.log`,
    probe: (brokers) => probeKafka(brokers),
    recordGone: (record) =>
      record.origin === 'local jars' && !isLocalKafkaRunning(record)
        ? `pid ${record.pid} is not running`
        : undefined,
    startContainer: startKafkaContainer,
    localOrigin: 'local jars',
    localLabel: `local jars (Apache Kafka ${version})`,
    startLocal: (detached, log) => startLocalKafka({ root, version, detached, log }),
    stopRecord: (record) =>
      record.origin === 'container' ? stopContainer(record.containerId) : stopLocalKafka(record),
  };
}
