// @fanin/kafkajs-api: the KafkaJS API as fanin traces it, for every adapter of
// a client that offers it (kafkajs itself, Confluent's `KafkaJS`). An adapter
// says where its `Kafka` class is and how its library differs; see README.md.

export type {
  ConsumedBatch,
  ConsumedMessage,
  Consumer,
  EachBatchPayload,
  EachMessagePayload,
  KafkaClient,
  Message,
  Producer,
  RunConfig,
  Transaction,
} from './api';
export type { KafkaApiConfig, KafkaApiDialect, KafkaTracingSettings } from './config';
export { KafkaApiInstrumentation, type KafkaClassLocation } from './instrumentation';
export {
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_KAFKA_OFFSET,
  MESSAGING_SYSTEM_KAFKA,
} from './messages';
export { ATTR_FANIN_TRANSACTION_OFFSET_PARTITIONS } from './transaction';
