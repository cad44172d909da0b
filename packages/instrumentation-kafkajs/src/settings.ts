import type { TracingSettings } from '@fanin/core';
import type { KafkaJsInstrumentationConfig } from './types';

/** The config as the wrappers use it: validated, with defaults filled in. */
export type KafkaTracingSettings = TracingSettings<KafkaJsInstrumentationConfig>;
