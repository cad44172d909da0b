import type { SettingsSource } from '@fanin/core/adapter';
import type { KafkaClient, Producer } from './api';
import type { KafkaApiDialect, KafkaTracingSettings } from './config';
import { traceSenders } from './senders';
import { traceOwnTransactions, traceProducerTransactions } from './transaction';

/** Wraps `kafka.producer()`: the producers it makes trace their sends and transactions. */
export function traceProducerFactory(
  settings: SettingsSource<KafkaTracingSettings>,
  producer: KafkaClient['producer'],
  dialect: KafkaApiDialect,
): KafkaClient['producer'] {
  return function tracedProducer(this: KafkaClient, ...args: unknown[]): Producer {
    const created = producer.apply(this, args);
    if (dialect.transaction === 'the-producer') {
      const transactions = traceProducerTransactions(settings, created);
      traceSenders(settings, created, transactions.recordSent);
    } else {
      traceSenders(settings, created);
      created.transaction = traceOwnTransactions(settings, created.transaction);
    }
    return created;
  };
}
