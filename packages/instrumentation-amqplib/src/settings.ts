import { resolveTracingSettings, type TracingSettings, warnOnce } from '@fanin/core/adapter';
import type { Meter, Tracer } from '@opentelemetry/api';
import { MESSAGING_SYSTEM_RABBITMQ } from './messages';
import type { AmqplibInstrumentationConfig } from './types';

export const DEFAULT_CONSUME_TIMEOUT_MS = 60_000;

/** The config as the wrappers use it: validated, with defaults filled in. */
export interface AmqpTracingSettings extends TracingSettings<AmqplibInstrumentationConfig> {
  /** 0 when deliveries wait for their settlement without a time limit. */
  consumeTimeoutMs: number;
}

export function resolveSettings(
  tracer: Tracer,
  config: AmqplibInstrumentationConfig,
  meter?: Meter,
): AmqpTracingSettings {
  return {
    ...resolveTracingSettings(MESSAGING_SYSTEM_RABBITMQ, tracer, config, meter),
    consumeTimeoutMs: resolveConsumeTimeout(config.consumeTimeoutMs),
  };
}

function resolveConsumeTimeout(value: number | undefined): number {
  if (value === undefined) return DEFAULT_CONSUME_TIMEOUT_MS;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    warnOnce(
      'FANIN_INVALID_OPTION',
      `fanin: consumeTimeoutMs must be a number >= 0, got ${String(value)}; using ${DEFAULT_CONSUME_TIMEOUT_MS}`,
      `consumeTimeoutMs=${String(value)}`,
    );
    return DEFAULT_CONSUME_TIMEOUT_MS;
  }
  // setTimeout cannot wait longer than 2^31-1 ms; past that, wait forever.
  return Number.isFinite(value) && value <= 2 ** 31 - 1 ? value : 0;
}
