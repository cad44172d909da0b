// The KafkaJS API's table-driven tests, run by each adapter against a
// stand-in for its library (see harness.ts).
import { batchTests } from './batch';
import { faultTests } from './faults';
import type { KafkaApiHarness } from './harness';
import { instancesTests } from './instances';
import { eachMessageTests } from './message';
import { metricsTests } from './metrics';
import { producerTests } from './producer';
import { transactionTests } from './transaction';

export type { FakeClient, FakeState, KafkaApiHarness } from './harness';
export {
  batchPayload,
  type FullBatchPayload,
  type FullMessage,
  instrumentFake,
  kafkaMessage,
  loadThroughHook,
  messagesFromDistinctProducers,
  tracedEachBatch,
  tracedEachMessage,
} from './support';

/** Every shared case, against the adapter `harness` drives. */
export function kafkaApiContract(harness: KafkaApiHarness): void {
  batchTests(harness);
  eachMessageTests(harness);
  producerTests(harness);
  transactionTests(harness);
  faultTests(harness);
  metricsTests(harness);
  instancesTests(harness);
}
