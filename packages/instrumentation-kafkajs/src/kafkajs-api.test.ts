// The KafkaJS API's shared cases (@fanin/kafkajs-api/contract), against kafkajs's shape.
import { kafkaApiContract } from '@fanin/kafkajs-api/contract';
import { harness } from './test-support/fake-kafkajs';

kafkaApiContract(harness);
