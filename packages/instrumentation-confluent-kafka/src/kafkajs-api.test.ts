// The KafkaJS API's shared cases (packages/kafkajs-api/src/contract: test code,
// not published), against the shape of Confluent's client: producer and consumer
// classes, transaction() resolving with the producer, sendBatch made of send.
import { kafkaApiContract } from '../../kafkajs-api/dist/contract';
import { harness } from './test-support/fake-confluent';

kafkaApiContract(harness);
