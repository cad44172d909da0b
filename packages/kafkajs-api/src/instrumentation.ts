import { FaninInstrumentation } from '@fanin/core/adapter';
import type { KafkaClient } from './api';
import type { KafkaApiConfig, KafkaApiDialect } from './config';
import { traceConsumerFactory } from './consumer';
import { traceProducerFactory } from './producer';

/**
 * The base of every instrumentation of a client with the KafkaJS API. A
 * subclass says where its library's `Kafka` class is (its `init()`, whose
 * patch callbacks call `patchKafkaClass` / `unpatchKafkaClass` with the
 * class's prototype) and how its library differs (a `KafkaApiDialect`).
 * What is wrapped is the API's: `Kafka.prototype.producer` and `.consumer`,
 * then the producers' sends and transactions and the consumers' `run`.
 */
export abstract class KafkaApiInstrumentation<
  C extends KafkaApiConfig,
> extends FaninInstrumentation<C> {
  protected patchKafkaClass(prototype: KafkaClient, dialect: KafkaApiDialect): void {
    const settings = this.settings;
    this.wrap(prototype, 'producer', `${dialect.library} Kafka.prototype.producer`, (original) =>
      traceProducerFactory(settings, original as unknown as KafkaClient['producer'], dialect),
    );
    this.wrap(prototype, 'consumer', `${dialect.library} Kafka.prototype.consumer`, (original) =>
      traceConsumerFactory(settings, original as unknown as KafkaClient['consumer'], dialect),
    );
  }

  protected unpatchKafkaClass(prototype: KafkaClient): void {
    this.unwrap(prototype, 'producer');
    this.unwrap(prototype, 'consumer');
  }
}
