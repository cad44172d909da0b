import {
  type LinkLimits,
  MessagingAttributeNames,
  resolveLinkLimits,
  semconvStabilityFromEnv,
} from '@fanin/core';
import type { Tracer } from '@opentelemetry/api';
import type { KafkaJsInstrumentationConfig } from './types';

/** The config as the wrappers use it: validated, with defaults filled in. */
export interface KafkaTracingSettings {
  tracer: Tracer;
  config: KafkaJsInstrumentationConfig;
  limits: LinkLimits;
  names: MessagingAttributeNames;
}

export function resolveSettings(
  tracer: Tracer,
  config: KafkaJsInstrumentationConfig,
): KafkaTracingSettings {
  return {
    tracer,
    config,
    limits: resolveLinkLimits(config),
    names: new MessagingAttributeNames(config.semconvStability ?? semconvStabilityFromEnv()),
  };
}
