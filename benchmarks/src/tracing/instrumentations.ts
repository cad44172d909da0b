import { AmqplibInstrumentation as FaninAmqplib } from '@fanin/instrumentation-amqplib';
import { KafkaJsInstrumentation as FaninKafkaJs } from '@fanin/instrumentation-kafkajs';
import type { TracerProvider } from '@opentelemetry/api';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation as OfficialAmqplib } from '@opentelemetry/instrumentation-amqplib';
import { KafkaJsInstrumentation as OfficialKafkaJs } from '@opentelemetry/instrumentation-kafkajs';
import type { Library, Mode } from '../model';
import { lendLogsApi } from './logs-api-bridge';

/**
 * The one instrumentation of `mode` for `library`, each with its default
 * config, or none. The official and fanin instrumentations patch the same
 * functions, so a process never enables more than one.
 */
function instrumentationFor(library: Library, mode: Mode): Instrumentation | undefined {
  if (mode === 'none') return undefined;
  if (library === 'kafkajs')
    return mode === 'official' ? new OfficialKafkaJs() : new FaninKafkaJs();
  return mode === 'official' ? new OfficialAmqplib() : new FaninAmqplib();
}

/**
 * Registers the instrumentation as an application does at start-up. Call it
 * before the client library is first required, so that the require hook
 * patches it on load.
 */
export function instrument(library: Library, mode: Mode, tracerProvider: TracerProvider): void {
  lendLogsApi();
  const instrumentation = instrumentationFor(library, mode);
  if (instrumentation)
    registerInstrumentations({ instrumentations: [instrumentation], tracerProvider });
}
