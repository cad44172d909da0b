import {
  type MessageReader,
  type SettingsSource,
  traceBatch,
  traceMessage,
} from '@fanin/core/adapter';
import type {
  ConsumedMessage,
  Consumer,
  EachBatchHandler,
  EachMessageHandler,
  EachMessagePayload,
  KafkaClient,
  RunConfig,
} from './api';
import type { KafkaApiDialect, KafkaTracingSettings } from './config';
import { batchAttributes, batchReader, eachMessageReader } from './messages';

/**
 * Wraps `kafka.consumer()`: the consumers it makes trace the handlers given
 * to `run`. The group is read from the consumer's config as the library
 * spells it.
 */
export function traceConsumerFactory(
  settings: SettingsSource<KafkaTracingSettings>,
  consumer: KafkaClient['consumer'],
  dialect: KafkaApiDialect,
): KafkaClient['consumer'] {
  return function tracedConsumer(this: KafkaClient, config?: unknown): Consumer {
    const created = consumer.call(this, config);
    created.run = traceConsumerRun(settings, dialect.groupId(config), created.run);
    return created;
  };
}

/**
 * Wraps `consumer.run` so that the handlers it is given are traced. The
 * caller's run config is copied, never modified.
 */
export function traceConsumerRun(
  settings: SettingsSource<KafkaTracingSettings>,
  groupId: string | undefined,
  run: Consumer['run'],
): Consumer['run'] {
  return function tracedRun(this: unknown, config?: RunConfig) {
    if (config === undefined || config === null) return run.call(this, config);
    const traced: RunConfig = { ...config };
    if (typeof config.eachBatch === 'function') {
      traced.eachBatch = traceEachBatch(settings, groupId, config.eachBatch);
    }
    if (typeof config.eachMessage === 'function') {
      traced.eachMessage = traceEachMessage(settings, groupId, config.eachMessage);
    }
    return run.call(this, traced);
  };
}

/**
 * Each `eachBatch` call runs inside ONE `process {topic}` span linked to the
 * producer of every message in the batch. The payload is handed over
 * untouched, so resolveOffset, heartbeat, pause and the rest behave as
 * without instrumentation.
 */
function traceEachBatch(
  source: SettingsSource<KafkaTracingSettings>,
  groupId: string | undefined,
  handler: EachBatchHandler,
): EachBatchHandler {
  return function tracedEachBatch(this: unknown, payload) {
    return traceBatch(
      source(),
      (settings) => {
        const { batch } = payload;
        const { topic, partition } = batch;
        const { batchHook, consumerHook } = settings.config;
        return {
          destination: topic,
          attributes: batchAttributes(settings, groupId, partition),
          messages: batch.messages,
          reader: batchReader(settings, groupId, partition),
          batchHook: batchHook && { name: 'batchHook', call: (span) => batchHook(span, { batch }) },
          messageHook: consumerHook && {
            name: 'consumerHook',
            call: (span, message: ConsumedMessage) =>
              consumerHook(span, { topic, partition, message }),
          },
        };
      },
      () => handler.call(this, payload),
    );
  };
}

/**
 * Each `eachMessage` call runs inside a `process {topic}` span linked to its
 * producer and, with `messageContext: 'parent+link'` (the default), parented
 * to it.
 */
function traceEachMessage(
  source: SettingsSource<KafkaTracingSettings>,
  groupId: string | undefined,
  handler: EachMessageHandler,
): EachMessageHandler {
  let cached:
    | { settings: KafkaTracingSettings; reader: MessageReader<EachMessagePayload> }
    | undefined;
  return function tracedEachMessage(this: unknown, payload) {
    return traceMessage(
      source(),
      (settings) => {
        if (cached?.settings !== settings) {
          cached = { settings, reader: eachMessageReader(settings, groupId) };
        }
        const { topic, partition, message } = payload;
        const { consumerHook } = settings.config;
        return {
          destination: topic,
          message: payload,
          reader: cached.reader,
          hook: consumerHook && {
            name: 'consumerHook',
            call: (span) => consumerHook(span, { topic, partition, message }),
          },
        };
      },
      () => handler.call(this, payload),
    );
  };
}
