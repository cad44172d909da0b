/**
 * Apache Kafka version run from Maven Central jars when no other broker is at hand.
 * kafkajs 2.2.4 was checked against it: topic creation, produce, consumer groups
 * (JoinGroup/SyncGroup/OffsetCommit, eachBatch) and transactions all work.
 * Override with FANIN_KAFKA_VERSION (3.9.1 works too).
 */
export const DEFAULT_KAFKA_VERSION = '4.1.1';

/** Container images used where a Docker engine answers. */
export const DEFAULT_IMAGES = {
  kafka: 'apache/kafka:3.9.1',
  rabbitmq: 'rabbitmq:4.1-management',
} as const;

/**
 * Images the test matrix runs against where official images can be pulled; the first of
 * each is the baseline. FANIN_MATRIX_KAFKA_IMAGES / FANIN_MATRIX_RABBITMQ_IMAGES override them
 * (`npm run images:build -- --matrix` prints lines naming the local stand-ins).
 */
export const MATRIX_IMAGES = {
  kafka: [DEFAULT_IMAGES.kafka, 'apache/kafka:4.1.1'],
  rabbitmq: [DEFAULT_IMAGES.rabbitmq, 'rabbitmq:3.13-management'],
} as const;

/** Environment variables read by this package. */
export const ENV = {
  kafkaBrokers: 'KAFKA_BROKERS',
  rabbitmqUrl: 'RABBITMQ_URL',
  kafkaVersion: 'FANIN_KAFKA_VERSION',
  kafkaImage: 'FANIN_KAFKA_IMAGE',
  rabbitmqImage: 'FANIN_RABBITMQ_IMAGE',
  /** `auto` (default), `containers` or `local`: see mode.ts. */
  brokersMode: 'FANIN_BROKERS',
} as const;

/** The machine's own RabbitMQ service (Debian package defaults). */
export const LOCAL_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

export const HOW_TO_START =
  'Start brokers with `npm run brokers:up` (then `source .brokers.env`), ' +
  'point KAFKA_BROKERS / RABBITMQ_URL at running brokers, or run a Docker engine.';
