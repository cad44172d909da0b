import { AmqplibInstrumentation as FaninAmqplib } from '@fanin/instrumentation-amqplib';
import { ConfluentKafkaInstrumentation as FaninConfluent } from '@fanin/instrumentation-confluent-kafka';
import { KafkaJsInstrumentation as FaninKafkaJs } from '@fanin/instrumentation-kafkajs';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation as OfficialAmqplib } from '@opentelemetry/instrumentation-amqplib';
import { KafkaJsInstrumentation as OfficialKafkaJs } from '@opentelemetry/instrumentation-kafkajs';
import type { Library } from '../model';
import type { ModeInfo } from '../modes';
import { lendLogsApi } from './logs-api-bridge';

/**
 * The instrumentations under comparison, each with its default config. The
 * official and fanin instrumentations patch the same functions, so a
 * process never enables more than one. Confluent's client has no official one.
 */
const INSTRUMENTATIONS: Record<
  Library,
  { official?: () => Instrumentation; fanin: () => Instrumentation }
> = {
  kafkajs: { official: () => new OfficialKafkaJs(), fanin: () => new FaninKafkaJs() },
  confluent: { fanin: () => new FaninConfluent() },
  amqplib: { official: () => new OfficialAmqplib(), fanin: () => new FaninAmqplib() },
};

/**
 * Registers the instrumentation as an application does at start-up. Call it
 * before the client library is first required, so that the require hook
 * patches it on load.
 */
export function instrument(
  library: Library,
  kind: ModeInfo['instrumentation'],
  tracerProvider: TracerProvider,
  meterProvider?: MeterProvider,
): void {
  lendLogsApi();
  if (kind === 'none') return;
  const make = INSTRUMENTATIONS[library][kind];
  if (make === undefined) throw new Error(`no ${kind} instrumentation of ${library}`);
  const instrumentation = make();
  registerInstrumentations({
    instrumentations: [instrumentation],
    tracerProvider,
    ...(meterProvider !== undefined && { meterProvider }),
  });
}
