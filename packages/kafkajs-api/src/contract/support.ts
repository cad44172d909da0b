import { standInBatchPayload, testTraceparent } from '@fanin/test-utils';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import type { ConsumedBatch, ConsumedMessage, EachBatchPayload, EachMessagePayload } from '../api';
import type { KafkaApiConfig } from '../config';
import type { KafkaApiHarness } from './harness';

/** An eachBatch payload with the helpers both libraries hand over. */
export interface FullBatchPayload extends EachBatchPayload {
  batch: ConsumedBatch & { highWatermark: string };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(): Promise<void>;
  uncommittedOffsets(): unknown;
  isRunning(): boolean;
  isStale(): boolean;
}

/** A consumed message with the fields both libraries give it. */
export interface FullMessage extends ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  attributes: number;
  size: number;
}

/** A message given to `send` in these tests. */
export interface TestMessage {
  value: string;
  headers?: Record<string, unknown>;
}

/** An eachMessage payload with the helpers both libraries hand over. */
export interface FullMessagePayload extends EachMessagePayload {
  heartbeat(): Promise<void>;
  pause(): () => void;
}

/** An enabled instrumentation with the harness's fake library patched through its module definition. */
export function instrumentFake(harness: KafkaApiHarness, config: KafkaApiConfig = {}) {
  const instrumentation = harness.create(config);
  const [definition] = instrumentation.getModuleDefinitions();
  definition?.patch?.(harness.module, harness.version);
  return {
    instrumentation,
    kafka: harness.client(),
    unpatch: () => definition?.unpatch?.(harness.module, harness.version),
  };
}

/**
 * Loads the fake library through `instrumentation`'s require hook, as the
 * hook does when an application requires it: the instrumentation then knows
 * the module, and unpatches it on disable().
 */
export function loadThroughHook(harness: KafkaApiHarness, instrumentation: object): void {
  const base = instrumentation as unknown as {
    _modules: InstrumentationModuleDefinition[];
    _onRequire(definition: InstrumentationModuleDefinition, exports: unknown, name: string): void;
  };
  for (const definition of base._modules)
    base._onRequire(definition, harness.module, definition.name);
}

/** A traced eachBatch handler wrapping `handler`, obtained through consumer.run. */
export async function tracedEachBatch(
  harness: KafkaApiHarness,
  kafka: ReturnType<KafkaApiHarness['client']>,
  handler: (payload: FullBatchPayload) => Promise<void>,
  groupId = 'test-group',
) {
  await kafka
    .consumer(harness.consumerConfig(groupId))
    .run({ eachBatch: handler as (payload: EachBatchPayload) => Promise<void> });
  const traced = harness.fake.lastRunConfig?.eachBatch;
  if (!traced) throw new Error('run did not receive an eachBatch handler');
  return traced as (payload: FullBatchPayload) => Promise<void>;
}

/** A traced eachMessage handler wrapping `handler`, obtained through consumer.run. */
export async function tracedEachMessage(
  harness: KafkaApiHarness,
  kafka: ReturnType<KafkaApiHarness['client']>,
  handler: (payload: EachMessagePayload) => Promise<void>,
  groupId: string,
) {
  await kafka.consumer(harness.consumerConfig(groupId)).run({ eachMessage: handler });
  const traced = harness.fake.lastRunConfig?.eachMessage;
  if (!traced) throw new Error('run did not receive an eachMessage handler');
  return traced;
}

/** A Kafka message as eachBatch hands it over. */
export function kafkaMessage(offset: number, headers: unknown): FullMessage {
  return {
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from(`value-${offset}`),
    timestamp: '0',
    attributes: 0,
    offset: String(offset),
    size: 0,
    headers,
  };
}

/** Messages each from its own producer span, with W3C headers as Buffers. */
export function messagesFromDistinctProducers(count: number, firstOffset = 0): FullMessage[] {
  return Array.from({ length: count }, (_, i) =>
    kafkaMessage(firstOffset + i, { traceparent: Buffer.from(testTraceparent(i)) }),
  );
}

/** An eachBatch payload around `messages`, with working no-op helpers. */
export function batchPayload(
  messages: ConsumedMessage[],
  topic = 'orders',
  partition = 3,
): FullBatchPayload {
  return standInBatchPayload(messages, topic, partition);
}
