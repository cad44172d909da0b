import type { AdapterIdentity } from '@fanin/core/adapter';
import {
  type KafkaApiDialect,
  KafkaApiInstrumentation,
  type KafkaClassLocation,
  type KafkaClient,
  MESSAGING_SYSTEM_KAFKA,
} from '@fanin/kafkajs-api';
import type { ConfluentKafkaInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type ConfluentModule = { KafkaJS: { Kafka: { prototype: KafkaClient } } };

const MODULE_NAME = '@confluentinc/kafka-javascript';

/** The main module (lib/index.js) exports `KafkaJS`, whose `Kafka` class is lib/kafkajs/_kafka.js's. */
const LOCATION: KafkaClassLocation<ConfluentModule> = {
  module: MODULE_NAME,
  versions: ['>=1.0.0 <2'],
  prototypeOf: (moduleExports) => kafkaPrototype(moduleExports),
};

const IDENTITY: AdapterIdentity = Object.freeze({
  system: MESSAGING_SYSTEM_KAFKA,
  library: MODULE_NAME,
  conflictAdvice:
    'Turn the other one off: with dd-trace, ' +
    "tracer.use('confluentinc-kafka-javascript', false) or DD_TRACE_CONFLUENTINC_KAFKA_JAVASCRIPT_ENABLED=false.",
});

/**
 * How Confluent's KafkaJS API differs from kafkajs's: the group is
 * `kafkaJS.groupId` (or librdkafka's `group.id`), and `transaction()`
 * resolves with the producer itself (lib/kafkajs/_producer.js), whose
 * `sendBatch` calls its own `send`.
 */
const DIALECT: KafkaApiDialect = Object.freeze({
  library: MODULE_NAME,
  groupId: (config: unknown) => {
    const { kafkaJS, 'group.id': groupId } = (config ?? {}) as {
      kafkaJS?: { groupId?: unknown };
      'group.id'?: unknown;
    };
    const kafkaJsGroupId = kafkaJS?.groupId;
    if (typeof kafkaJsGroupId === 'string') return kafkaJsGroupId;
    return typeof groupId === 'string' ? groupId : undefined;
  },
  transaction: 'the-producer',
});

/**
 * Traces the KafkaJS-compatible API of Confluent's client
 * (`require('@confluentinc/kafka-javascript').KafkaJS`). This class says only
 * where it is intercepted: the `KafkaJS.Kafka` class of the module's main
 * file (lib/kafkajs/_kafka.js). What is wrapped there and how a message
 * reads is the KafkaJS API's, in @fanin/kafkajs-api.
 */
export class ConfluentKafkaInstrumentation extends KafkaApiInstrumentation<ConfluentKafkaInstrumentationConfig> {
  static readonly identity = IDENTITY;

  constructor(config: ConfluentKafkaInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return this.kafkaClassDefinition(LOCATION, DIALECT);
  }
}

/** `KafkaJS.Kafka.prototype`, from the CommonJS exports or an ESM namespace. */
function kafkaPrototype(
  moduleExports: ConfluentModule & { default?: ConfluentModule },
): KafkaClient {
  const confluent = moduleExports.KafkaJS
    ? moduleExports
    : (moduleExports.default ?? moduleExports);
  return confluent.KafkaJS.Kafka.prototype;
}
