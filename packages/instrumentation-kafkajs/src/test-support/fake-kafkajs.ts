import { testTraceparent } from '@fanin/test-utils';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import type {
  Batch,
  ConsumerRunConfig,
  EachBatchPayload,
  IHeaders,
  KafkaMessage,
  ProducerBatch,
  ProducerRecord,
} from 'kafkajs';
import { KafkaJsInstrumentation } from '../instrumentation';
import type { KafkaJsInstrumentationConfig } from '../types';

/**
 * A stand-in for the kafkajs module with the same Kafka class shape, so the
 * real patch code can be driven with synthetic payloads and no broker.
 * Consumers remember the run config they were given (after instrumentation);
 * producers remember what they were asked to send.
 */
export class FakeKafka {
  static lastRunConfig: ConsumerRunConfig | undefined;
  static sent: Array<ProducerRecord | ProducerBatch> = [];
  static failCommit = false;

  consumer(_config: { groupId: string }) {
    return {
      run: async (config: ConsumerRunConfig) => {
        FakeKafka.lastRunConfig = config;
      },
    };
  }

  producer() {
    const send = async (record: ProducerRecord | ProducerBatch) => {
      FakeKafka.sent.push(record);
      if ('topic' in record && record.topic === 'fails') throw new Error('broker said no');
      return [];
    };
    return {
      send,
      sendBatch: send,
      transaction: async () => ({
        send,
        sendBatch: send,
        sendOffsets: async (_offsets: unknown) => {},
        commit: async () => {
          if (FakeKafka.failCommit) throw new Error('commit failed');
        },
        abort: async () => {},
      }),
    };
  }
}

export type FakeModule = { Kafka: typeof FakeKafka };

/** An enabled instrumentation with `FakeKafka` patched through its module definition. */
export function instrumentFake(config: KafkaJsInstrumentationConfig = {}) {
  const instrumentation = new KafkaJsInstrumentation(config);
  const fakeModule: FakeModule = { Kafka: FakeKafka };
  const [definition] = instrumentation.getModuleDefinitions();
  definition?.patch?.(fakeModule, '2.2.4');
  return {
    instrumentation,
    kafka: new FakeKafka(),
    unpatch: () => definition?.unpatch?.(fakeModule, '2.2.4'),
  };
}

/**
 * Loads `FakeKafka` through `instrumentation`'s require hook, as the hook
 * does when an application requires kafkajs: the instrumentation then knows
 * the module, and unpatches it on disable().
 */
export function loadThroughHook(instrumentation: KafkaJsInstrumentation, module: FakeModule): void {
  const base = instrumentation as unknown as {
    _modules: InstrumentationModuleDefinition[];
    _onRequire(definition: InstrumentationModuleDefinition, exports: unknown, name: string): void;
  };
  for (const definition of base._modules) base._onRequire(definition, module, definition.name);
}

/** A traced eachBatch handler wrapping `handler`, obtained through consumer.run. */
export async function tracedEachBatch(
  kafka: FakeKafka,
  handler: (payload: EachBatchPayload) => Promise<void>,
  groupId = 'test-group',
) {
  await kafka.consumer({ groupId }).run({ eachBatch: handler });
  const traced = FakeKafka.lastRunConfig?.eachBatch;
  if (!traced) throw new Error('run did not receive an eachBatch handler');
  return traced;
}

/** A Kafka message as kafkajs hands it to eachBatch. */
export function kafkaMessage(offset: number, headers: IHeaders | undefined): KafkaMessage {
  return {
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from(`value-${offset}`),
    timestamp: '0',
    attributes: 0,
    offset: String(offset),
    size: 0,
    headers,
  } as KafkaMessage;
}

/** Messages each from its own producer span, with W3C headers as Buffers. */
export function messagesFromDistinctProducers(count: number, firstOffset = 0): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) =>
    kafkaMessage(firstOffset + i, { traceparent: Buffer.from(testTraceparent(i)) }),
  );
}

/** An eachBatch payload around `messages`, with working no-op helpers. */
export function batchPayload(
  messages: KafkaMessage[],
  topic = 'orders',
  partition = 3,
): EachBatchPayload {
  const batch = {
    topic,
    partition,
    highWatermark: String(messages.length),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => messages[0]?.offset ?? null,
    lastOffset: () => messages[messages.length - 1]?.offset ?? '-1',
    offsetLag: () => '0',
    offsetLagLow: () => '0',
  } as unknown as Batch;
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
