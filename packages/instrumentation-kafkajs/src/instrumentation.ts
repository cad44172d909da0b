import { type AdapterIdentity, FaninInstrumentation } from '@fanin/core/adapter';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { Kafka } from 'kafkajs';
import { traceConsumerFactory } from './consumer';
import { MESSAGING_SYSTEM_KAFKA } from './messages';
import { traceProducerFactory } from './producer';
import type { KafkaJsInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type KafkaModule = { Kafka: { prototype: Kafka } };

const SUPPORTED_VERSIONS = ['>=2.0.0 <3'];

const IDENTITY: AdapterIdentity = Object.freeze({
  system: MESSAGING_SYSTEM_KAFKA,
  library: 'kafkajs',
  conflictAdvice:
    'Turn the other one off: with getNodeAutoInstrumentations(), pass ' +
    "{ '@opentelemetry/instrumentation-kafkajs': { enabled: false } }; with the zero-code start, " +
    'set OTEL_NODE_DISABLED_INSTRUMENTATIONS=kafkajs; with dd-trace, DD_TRACE_KAFKAJS_ENABLED=false.',
});

/**
 * Traces kafkajs 2.x. This class says only where kafkajs is intercepted:
 * `Kafka.prototype.producer` and `.consumer`, then the producers' sends and
 * transactions (producer.ts, transaction.ts) and the consumers' `run`
 * handlers (consumer.ts); how a kafkajs message reads is in messages.ts.
 */
export class KafkaJsInstrumentation extends FaninInstrumentation<KafkaJsInstrumentationConfig> {
  static readonly identity = IDENTITY;

  constructor(config: KafkaJsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'kafkajs',
      SUPPORTED_VERSIONS,
      (moduleExports: KafkaModule) => {
        this.patch(kafkaPrototype(moduleExports));
        return moduleExports;
      },
      (moduleExports: KafkaModule | undefined) => {
        if (moduleExports) this.unpatch(kafkaPrototype(moduleExports));
      },
    );
  }

  private patch(prototype: Kafka): void {
    const settings = this.settings;
    this.wrap(prototype, 'producer', 'kafkajs Kafka.prototype.producer', (original) =>
      traceProducerFactory(settings, original as unknown as Kafka['producer']),
    );
    this.wrap(prototype, 'consumer', 'kafkajs Kafka.prototype.consumer', (original) =>
      traceConsumerFactory(settings, original as unknown as Kafka['consumer']),
    );
  }

  private unpatch(prototype: Kafka): void {
    this.unwrap(prototype, 'producer');
    this.unwrap(prototype, 'consumer');
  }
}

/** The Kafka class's prototype, from the CommonJS exports or an ESM namespace. */
function kafkaPrototype(moduleExports: KafkaModule & { default?: KafkaModule }): Kafka {
  const kafkajs = moduleExports.Kafka ? moduleExports : (moduleExports.default ?? moduleExports);
  return kafkajs.Kafka.prototype;
}
