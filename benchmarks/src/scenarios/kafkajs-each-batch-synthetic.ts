import type { EachBatchPayload } from 'kafkajs';
import { capturedRunConfig } from '../kafkajs/captured-consumer';
import { eachBatchPayload } from '../kafkajs/synthetic';
import type { Sample, SyntheticParams } from '../model';
import type { Harness } from './harness';
import { measureSyntheticRounds } from './synthetic-rounds';

/**
 * Case 1: the eachBatch handler that kafkajs would call (inside the floor's
 * wrapper in the floor modes), driven with synthetic batches of distinct
 * producer contexts, no broker.
 */
export async function runKafkajsEachBatchSynthetic(
  harness: Harness,
  params: SyntheticParams,
): Promise<Sample[]> {
  let bytes = 0;
  const { eachBatch } = await capturedRunConfig(() => harness.instrument('kafkajs'), {
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) bytes += message.value?.length ?? 0;
    },
  });
  if (!eachBatch) throw new Error('consumer.run did not receive an eachBatch handler');
  const handler = harness.wrapEachBatch(eachBatch);
  const samples = await measureSyntheticRounds<EachBatchPayload>(harness.tracing, params, {
    payloadsFor: (messages) => [eachBatchPayload(messages)],
    call: (payload) => handler(payload),
  });
  if (bytes === 0) throw new Error('the handler saw no message');
  return samples;
}
