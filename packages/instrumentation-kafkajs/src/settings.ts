import { resolveTracingSettings, type TracingSettings } from '@fanin/core';
import type { Tracer } from '@opentelemetry/api';
import type { KafkaJsInstrumentationConfig } from './types';

/** The config as the wrappers use it: validated, with defaults filled in. */
export type KafkaTracingSettings = TracingSettings<KafkaJsInstrumentationConfig>;

export function resolveSettings(
  tracer: Tracer,
  config: KafkaJsInstrumentationConfig,
): KafkaTracingSettings {
  return resolveTracingSettings(tracer, config);
}
