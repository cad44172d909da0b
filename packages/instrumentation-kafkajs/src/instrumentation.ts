import type { AdapterIdentity } from '@fanin/core/adapter';
import {
  type KafkaApiDialect,
  KafkaApiInstrumentation,
  type KafkaClassLocation,
  type KafkaClient,
  MESSAGING_SYSTEM_KAFKA,
} from '@fanin/kafkajs-api';
import type { KafkaJsInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type KafkaModule = { Kafka: { prototype: KafkaClient } };

/** kafkajs 2.x's main module exports the `Kafka` class. */
const LOCATION: KafkaClassLocation<KafkaModule> = {
  module: 'kafkajs',
  versions: ['>=2.0.0 <3'],
  prototypeOf: (moduleExports) => kafkaPrototype(moduleExports),
};

const IDENTITY: AdapterIdentity = Object.freeze({
  system: MESSAGING_SYSTEM_KAFKA,
  library: 'kafkajs',
  conflictAdvice:
    'Turn the other one off: with getNodeAutoInstrumentations(), pass ' +
    "{ '@opentelemetry/instrumentation-kafkajs': { enabled: false } }; with the zero-code start, " +
    'set OTEL_NODE_DISABLED_INSTRUMENTATIONS=kafkajs; with dd-trace, DD_TRACE_KAFKAJS_ENABLED=false.',
});

/** What kafkajs's KafkaJS API is: the one the others copy. */
const DIALECT: KafkaApiDialect = Object.freeze({
  library: 'kafkajs',
  groupId: (config: unknown) => {
    const groupId = (config as { groupId?: unknown } | undefined)?.groupId;
    return typeof groupId === 'string' ? groupId : undefined;
  },
  transaction: 'own-object',
});

/**
 * Traces kafkajs 2.x. This class says only where kafkajs is intercepted: the
 * `Kafka` class the module exports. What is wrapped there (`producer` and
 * `consumer`, then sends, transactions and `run`) and how a message reads
 * is the KafkaJS API's, in @fanin/kafkajs-api.
 */
export class KafkaJsInstrumentation extends KafkaApiInstrumentation<KafkaJsInstrumentationConfig> {
  static readonly identity = IDENTITY;

  constructor(config: KafkaJsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return this.kafkaClassDefinition(LOCATION, DIALECT);
  }
}

/** The Kafka class's prototype, from the CommonJS exports or an ESM namespace. */
function kafkaPrototype(moduleExports: KafkaModule & { default?: KafkaModule }): KafkaClient {
  const kafkajs = moduleExports.Kafka ? moduleExports : (moduleExports.default ?? moduleExports);
  return kafkajs.Kafka.prototype;
}
