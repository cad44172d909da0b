import { warnOnce } from '@fanin/core/adapter';
import { AmqplibInstrumentation } from '@fanin/instrumentation-amqplib';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AUTO_INSTRUMENTATIONS_ENV } from './env';
import { loadOptionalExport, type ModuleLoader } from './optional-export';

export const CONFLUENT_KAFKA_PACKAGE = '@fanin/instrumentation-confluent-kafka';
export const CONFLUENT_KAFKA_EXPORT = 'ConfluentKafkaInstrumentation';
export const AUTO_INSTRUMENTATIONS_PACKAGE = '@opentelemetry/auto-instrumentations-node';

/** The official instrumentations of fanin's libraries: they patch the same functions. */
export const OVERLAPPING_OFFICIAL_INSTRUMENTATIONS = [
  '@opentelemetry/instrumentation-kafkajs',
  '@opentelemetry/instrumentation-amqplib',
];

export interface InstrumentationChoice {
  /** Add the rest of `getNodeAutoInstrumentations()`. */
  autoInstrumentations: boolean;
  /** Where the optional packages are looked up (this package's `require`). */
  load: ModuleLoader;
}

function unavailable(packageName: string, message: string): void {
  warnOnce('FANIN_INSTRUMENTATION_UNAVAILABLE', message, packageName);
}

/** `new Class()` of an optional export, or undefined (reported) when that fails. */
function construct(packageName: string, exportName: string, value: unknown): unknown {
  try {
    return new (value as new () => unknown)();
  } catch (error) {
    unavailable(
      packageName,
      `fanin: @fanin/register could not create ${exportName} of ${packageName} ` +
        `(${error instanceof Error ? error.message : String(error)}), so what it instruments is ` +
        `not traced. Install a version of ${packageName} that matches @fanin/register.`,
    );
    return undefined;
  }
}

/** fanin's confluent-kafka instrumentation when its package is installed. */
function confluentKafka(load: ModuleLoader): Instrumentation[] {
  const found = loadOptionalExport(load, CONFLUENT_KAFKA_PACKAGE, CONFLUENT_KAFKA_EXPORT);
  if (found.state === 'absent') return [];
  if (found.state === 'unusable') {
    unavailable(
      CONFLUENT_KAFKA_PACKAGE,
      `fanin: ${CONFLUENT_KAFKA_PACKAGE} is installed, but @fanin/register cannot use it ` +
        `(${found.reason}), so confluent-kafka clients are not traced. Install a version of ` +
        `${CONFLUENT_KAFKA_PACKAGE} that exports ${CONFLUENT_KAFKA_EXPORT}, or uninstall it.`,
    );
    return [];
  }
  const instrumentation = construct(CONFLUENT_KAFKA_PACKAGE, CONFLUENT_KAFKA_EXPORT, found.value);
  return instrumentation === undefined ? [] : [instrumentation as Instrumentation];
}

type GetNodeAutoInstrumentations = (
  configs: Record<string, { enabled?: boolean }>,
) => Instrumentation[];

/** The rest of `getNodeAutoInstrumentations()`, without the official kafkajs and amqplib ones. */
function autoInstrumentations(load: ModuleLoader): Instrumentation[] {
  const found = loadOptionalExport(
    load,
    AUTO_INSTRUMENTATIONS_PACKAGE,
    'getNodeAutoInstrumentations',
  );
  if (found.state !== 'loaded') {
    const why = found.state === 'absent' ? 'it is not installed' : found.reason;
    unavailable(
      AUTO_INSTRUMENTATIONS_PACKAGE,
      `fanin: ${AUTO_INSTRUMENTATIONS_ENV}=true, but @fanin/register cannot load ` +
        `${AUTO_INSTRUMENTATIONS_PACKAGE} (${why}), so only fanin's instrumentations are ` +
        `enabled. Install it: npm install ${AUTO_INSTRUMENTATIONS_PACKAGE}`,
    );
    return [];
  }
  // `enabled: false` in the config outranks OTEL_NODE_ENABLED_INSTRUMENTATIONS.
  const configs = Object.fromEntries(
    OVERLAPPING_OFFICIAL_INSTRUMENTATIONS.map((name) => [name, { enabled: false }]),
  );
  try {
    return (found.value as GetNodeAutoInstrumentations)(configs);
  } catch (error) {
    unavailable(
      AUTO_INSTRUMENTATIONS_PACKAGE,
      `fanin: getNodeAutoInstrumentations() of ${AUTO_INSTRUMENTATIONS_PACKAGE} threw ` +
        `(${error instanceof Error ? error.message : String(error)}), so only fanin's ` +
        `instrumentations are enabled. Install a version of it that matches @fanin/register.`,
    );
    return [];
  }
}

/**
 * The instrumentations @fanin/register starts, created (and so enabled) here:
 * fanin's kafkajs and amqplib ones, fanin's confluent-kafka one when
 * installed, and on request the official others.
 */
export function chooseInstrumentations(choice: InstrumentationChoice): Instrumentation[] {
  return [
    new KafkaJsInstrumentation(),
    new AmqplibInstrumentation(),
    ...confluentKafka(choice.load),
    ...(choice.autoInstrumentations ? autoInstrumentations(choice.load) : []),
  ];
}
