import type { KafkaMessage } from 'kafkajs';
import { syntheticMessages } from '../kafkajs/synthetic';
import { openWindow } from '../measure/window';
import type { Sample, SyntheticParams } from '../model';
import { isSampledProducer } from '../traceparent';
import type { Tracing } from '../tracing/install';
import { yieldToEventLoop } from './event-loop';

/** The payloads of the handler calls kafkajs makes for one fetch, before it yields. */
type Fetch<Payload> = Payload[];

export interface SyntheticDriver<Payload> {
  /** The payloads of the handler calls for one fetch of `messages`. */
  payloadsFor(messages: KafkaMessage[]): Payload[];
  /** The traced (or bare) handler, as kafkajs would call it. */
  call(payload: Payload): Promise<void>;
}

/**
 * Warms up, then measures `rounds` rounds. Each round gets fresh messages
 * (built before its window opens) in fetches of `batchSize`; the handler
 * calls of a fetch are awaited one after another, and the driver yields to
 * the event loop after each fetch, so the BatchSpanProcessor's timers and
 * exports run between them as they would in a consumer. Each window also
 * counts the heap bytes allocated in it, and the messages whose producer is
 * sampled (every `sampling.sampledProducerEvery`-th; all without sampling).
 */
export async function measureSyntheticRounds<Payload>(
  tracing: Tracing,
  params: SyntheticParams,
  driver: SyntheticDriver<Payload>,
): Promise<Sample[]> {
  const sampledEvery = params.sampling?.sampledProducerEvery ?? 1;
  let nextOffset = 0;
  let sampledProducers = 0;
  const build = (messages: number, salt: number): Fetch<Payload>[] => {
    const fetches: Fetch<Payload>[] = [];
    sampledProducers = 0;
    for (let sent = 0; sent < messages; sent += params.batchSize) {
      const batch = syntheticMessages(params.batchSize, nextOffset, salt, sampledEvery);
      for (let i = 0; i < params.batchSize; i++) {
        if (isSampledProducer(nextOffset + i, sampledEvery)) sampledProducers++;
      }
      nextOffset += params.batchSize;
      fetches.push(driver.payloadsFor(batch));
    }
    return fetches;
  };
  const roundMessages = messagesPerRound(params);
  await drive(build(Math.max(params.warmupMessages, 2 * params.batchSize), 1), driver);
  const samples: Sample[] = [];
  for (let round = 0; round < params.rounds; round++) {
    const fetches = build(roundMessages, round + 2);
    const window = await openWindow(tracing, { allocations: true });
    const calls = await drive(fetches, driver);
    const measured = await window.close();
    samples.push({ ...measured, messages: roundMessages, calls, sampledProducers });
  }
  return samples;
}

/** Whole fetches, at least `messagesPerRound` messages and `minBatchesPerRound` fetches. */
export function messagesPerRound(params: SyntheticParams): number {
  const fetches = Math.max(
    params.minBatchesPerRound,
    Math.ceil(params.messagesPerRound / params.batchSize),
  );
  return fetches * params.batchSize;
}

async function drive<Payload>(
  fetches: Fetch<Payload>[],
  driver: SyntheticDriver<Payload>,
): Promise<number> {
  let calls = 0;
  for (const fetch of fetches) {
    for (const payload of fetch) {
      await driver.call(payload);
      calls++;
    }
    await yieldToEventLoop();
  }
  return calls;
}
