import type { Batch, EachBatchPayload, EachMessagePayload, KafkaMessage } from 'kafkajs';
import { isSampledProducer, traceparentFor } from '../traceparent';

export const SYNTHETIC_TOPIC = 'orders';
export const SYNTHETIC_PARTITION = 0;
const VALUE = Buffer.alloc(100, 'v');

/**
 * A message as kafkajs decodes it from a record batch: Buffers for key,
 * value and header values, offsets as strings, and a distinct `traceparent`.
 */
function syntheticMessage(offset: number, salt: number, sampled: boolean): KafkaMessage {
  return {
    magicByte: 2,
    attributes: 0,
    timestamp: '1767225600000',
    offset: String(offset),
    key: Buffer.from(`customer-${offset % 1000}`),
    value: Buffer.from(VALUE),
    headers: { traceparent: Buffer.from(traceparentFor(offset, salt, sampled)) },
    isControlRecord: false,
    batchContext: {},
  } as unknown as KafkaMessage;
}

/**
 * `count` fresh messages with offsets from `firstOffset`, each from its own
 * producer; every `sampledEvery`-th producer (by offset) carries the sampled flag.
 */
export function syntheticMessages(
  count: number,
  firstOffset: number,
  salt: number,
  sampledEvery = 1,
): KafkaMessage[] {
  const messages = new Array<KafkaMessage>(count);
  for (let i = 0; i < count; i++) {
    const offset = firstOffset + i;
    messages[i] = syntheticMessage(offset, salt, isSampledProducer(offset, sampledEvery));
  }
  return messages;
}

/** An eachBatch payload shaped like kafkajs's, with no-op consumer controls. */
export function eachBatchPayload(messages: KafkaMessage[]): EachBatchPayload {
  const batch: Batch = {
    topic: SYNTHETIC_TOPIC,
    partition: SYNTHETIC_PARTITION,
    highWatermark: String(Number(messages[messages.length - 1]?.offset ?? -1) + 1),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => messages[0]?.offset ?? null,
    lastOffset: () => messages[messages.length - 1]?.offset ?? '-1',
    offsetLag: () => '0',
    offsetLagLow: () => '0',
  };
  return {
    batch,
    resolveOffset: () => {},
    heartbeat: async () => {},
    pause: () => () => {},
    commitOffsetsIfNecessary: async () => {},
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: () => true,
    isStale: () => false,
  };
}

/** An eachMessage payload shaped like kafkajs's. */
export function eachMessagePayload(message: KafkaMessage): EachMessagePayload {
  return {
    topic: SYNTHETIC_TOPIC,
    partition: SYNTHETIC_PARTITION,
    message,
    heartbeat: async () => {},
    pause: () => () => {},
  };
}
