import { FaninInstrumentation } from '@fanin/core/adapter';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { KafkaClient } from './api';
import type { KafkaApiConfig, KafkaApiDialect } from './config';
import { traceConsumerFactory } from './consumer';
import { traceProducerFactory } from './producer';

/** Where a library's `Kafka` class is: its module, the versions, and how to find the class. */
export interface KafkaClassLocation<E> {
  module: string;
  versions: string[];
  /** The `Kafka` class's prototype in the module's exports (CommonJS, or an ESM namespace). */
  prototypeOf(moduleExports: E): KafkaClient;
}

/**
 * The base of every instrumentation of a client with the KafkaJS API. A
 * subclass says where its library's `Kafka` class is (its `init()` returns
 * `kafkaClassDefinition(location, dialect)`) and how its library differs (a
 * `KafkaApiDialect`). What is wrapped is the API's: `Kafka.prototype.producer`
 * and `.consumer`, then the producers' sends and transactions and the
 * consumers' `run`.
 */
export abstract class KafkaApiInstrumentation<
  C extends KafkaApiConfig,
> extends FaninInstrumentation<C> {
  /** The module definition that patches the `Kafka` class at `location` when the module loads. */
  protected kafkaClassDefinition<E>(location: KafkaClassLocation<E>, dialect: KafkaApiDialect) {
    return new InstrumentationNodeModuleDefinition(
      location.module,
      location.versions,
      (moduleExports: E) => {
        this.patchKafkaClass(location.prototypeOf(moduleExports), dialect);
        return moduleExports;
      },
      (moduleExports: E | undefined) => {
        if (moduleExports) this.unpatchKafkaClass(location.prototypeOf(moduleExports));
      },
    );
  }

  private patchKafkaClass(prototype: KafkaClient, dialect: KafkaApiDialect): void {
    const settings = this.settings;
    this.wrap(prototype, 'producer', `${dialect.library} Kafka.prototype.producer`, (original) =>
      traceProducerFactory(settings, original as unknown as KafkaClient['producer'], dialect),
    );
    this.wrap(prototype, 'consumer', `${dialect.library} Kafka.prototype.consumer`, (original) =>
      traceConsumerFactory(settings, original as unknown as KafkaClient['consumer'], dialect),
    );
  }

  private unpatchKafkaClass(prototype: KafkaClient): void {
    this.unwrap(prototype, 'producer');
    this.unwrap(prototype, 'consumer');
  }
}
