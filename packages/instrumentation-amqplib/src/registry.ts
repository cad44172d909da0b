import { TracingSettingsCache } from '@fanin/core';
import { trace } from '@opentelemetry/api';
import { type AmqpTracingSettings, resolveSettings } from './settings';
import type { AmqplibInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type SettingsSource = () => AmqpTracingSettings | undefined;

// The enabled instrumentation, if any: consumeBatch records with its tracer
// and config. Set on enable(), cleared on disable().
let registered: { owner: object; settings: SettingsSource } | undefined;

const DEFAULT_CONFIG: AmqplibInstrumentationConfig = Object.freeze({});
const fallback = new TracingSettingsCache(resolveSettings);

export function registerInstrumentation(owner: object, settings: SettingsSource): void {
  registered = { owner, settings };
}

export function unregisterInstrumentation(owner: object): void {
  if (registered?.owner === owner) registered = undefined;
}

/**
 * The settings `consumeBatch` records with: the enabled instrumentation's, or
 * else the defaults on the global tracer provider's tracer.
 */
export function batchTracingSettings(): AmqpTracingSettings {
  return (
    registered?.settings() ??
    fallback.get(trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION), DEFAULT_CONFIG)
  );
}
