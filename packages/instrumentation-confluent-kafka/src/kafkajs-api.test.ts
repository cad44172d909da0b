// The KafkaJS API's shared cases (@fanin/kafkajs-api/contract), against the
// shape of Confluent's client: producer and consumer classes, transaction()
// resolving with the producer, sendBatch made of send.
import { kafkaApiContract } from '@fanin/kafkajs-api/contract';
import { harness } from './test-support/fake-confluent';

kafkaApiContract(harness);
