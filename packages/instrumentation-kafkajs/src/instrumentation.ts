import { resolveTracingSettings, TracingSettingsCache } from '@fanin/core';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';
import type { Consumer, ConsumerConfig, Kafka, Producer } from 'kafkajs';
import { traceConsumerRun } from './consumer';
import { traceProducerSends } from './producer';
import type { KafkaTracingSettings } from './settings';
import { traceTransactions } from './transaction';
import type { KafkaJsInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type KafkaModule = { Kafka: { prototype: Kafka } };

const SUPPORTED_VERSIONS = ['>=2.0.0 <3'];

/**
 * Traces kafkajs 2.x: producers' sends, and consumers' `eachBatch` (one span
 * per call, linked to every producer) and `eachMessage` handlers. This class
 * only says where kafkajs is intercepted; what is recorded lives in
 * producer.ts, batch.ts and message.ts.
 */
export class KafkaJsInstrumentation extends InstrumentationBase<KafkaJsInstrumentationConfig> {
  // Created lazily: the base constructor enables (and so patches) before fields are set.
  private settingsCache?: TracingSettingsCache<KafkaJsInstrumentationConfig, KafkaTracingSettings>;

  constructor(config: KafkaJsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'kafkajs',
      SUPPORTED_VERSIONS,
      (moduleExports: KafkaModule) => {
        this.patch(kafkaClass(moduleExports));
        return moduleExports;
      },
      (moduleExports: KafkaModule | undefined) => {
        if (moduleExports) this.unpatch(kafkaClass(moduleExports));
      },
    );
  }

  /** The current settings, or undefined while disabled (wrapped objects then pass through). */
  private readonly currentSettings = (): KafkaTracingSettings | undefined => {
    if (!this.isEnabled()) return undefined;
    this.settingsCache ??= new TracingSettingsCache(resolveTracingSettings);
    return this.settingsCache.get(this.tracer, this.getConfig());
  };

  private patch(prototype: Kafka): void {
    this.unpatch(prototype);
    this._wrap(prototype, 'producer', (original) => this.wrapProducerFactory(original));
    this._wrap(prototype, 'consumer', (original) => this.wrapConsumerFactory(original));
  }

  private unpatch(prototype: Kafka): void {
    if (isWrapped(prototype.producer)) this._unwrap(prototype, 'producer');
    if (isWrapped(prototype.consumer)) this._unwrap(prototype, 'consumer');
  }

  private wrapConsumerFactory(original: Kafka['consumer']): Kafka['consumer'] {
    const getSettings = this.currentSettings;
    return function consumer(this: Kafka, config: ConsumerConfig): Consumer {
      const created = original.call(this, config);
      created.run = traceConsumerRun(getSettings, config?.groupId, created.run);
      return created;
    };
  }

  private wrapProducerFactory(original: Kafka['producer']): Kafka['producer'] {
    const getSettings = this.currentSettings;
    return function producer(this: Kafka, ...args: Parameters<Kafka['producer']>): Producer {
      const created = original.apply(this, args);
      traceProducerSends(getSettings, created);
      created.transaction = traceTransactions(getSettings, created.transaction);
      return created;
    };
  }
}

/** The Kafka class from the CommonJS exports or an ESM namespace. */
function kafkaClass(moduleExports: KafkaModule & { default?: KafkaModule }): Kafka {
  const kafkajs = moduleExports.Kafka ? moduleExports : (moduleExports.default ?? moduleExports);
  return kafkajs.Kafka.prototype;
}
