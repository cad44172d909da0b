// The KafkaJS API's shared cases (packages/kafkajs-api/src/contract, not published:
// it is test code), against kafkajs's shape.
import { kafkaApiContract } from '../../kafkajs-api/dist/contract';
import { harness } from './test-support/fake-kafkajs';

kafkaApiContract(harness);
