import type { EachMessagePayload } from 'kafkajs';
import { capturedRunConfig } from '../kafkajs/captured-consumer';
import { eachMessagePayload } from '../kafkajs/synthetic';
import type { Sample, SyntheticParams } from '../model';
import type { Harness } from './harness';
import { measureSyntheticRounds } from './synthetic-rounds';

/**
 * Case 4 (kafkajs, in process): the eachMessage handler that kafkajs would
 * call, once per message of each synthetic fetch, no broker.
 */
export async function runKafkajsEachMessageSynthetic(
  harness: Harness,
  params: SyntheticParams,
): Promise<Sample[]> {
  let bytes = 0;
  const { eachMessage } = await capturedRunConfig(() => harness.instrument('kafkajs'), {
    eachMessage: harness.wrapEachMessage(async ({ message }) => {
      bytes += message.value?.length ?? 0;
    }),
  });
  if (!eachMessage) throw new Error('consumer.run did not receive an eachMessage handler');
  const samples = await measureSyntheticRounds<EachMessagePayload>(harness.tracing, params, {
    payloadsFor: (messages) => messages.map(eachMessagePayload),
    call: (payload) => eachMessage(payload),
  });
  if (bytes === 0) throw new Error('the handler saw no message');
  return samples;
}
