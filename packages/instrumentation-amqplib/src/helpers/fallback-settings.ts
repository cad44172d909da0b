import { type SettingsOffers, TracingSettingsCache } from '@fanin/core/adapter';
import { metrics, trace } from '@opentelemetry/api';
import { type AmqpTracingSettings, resolveSettings } from '../settings';
import type { AmqplibInstrumentationConfig } from '../types';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

const DEFAULT_CONFIG: AmqplibInstrumentationConfig = Object.freeze({});
const defaults = new TracingSettingsCache(resolveSettings);

/**
 * The settings a helper records with: those of the first enabled
 * instrumentation instance that intercepted it (its channel's), or else the
 * defaults on the global tracer and meter providers, so the helpers work
 * without the instrumentation too.
 */
export function helperSettings(offers: SettingsOffers): AmqpTracingSettings {
  return (
    (offers.current() as AmqpTracingSettings | undefined) ??
    defaults.get(
      trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
      DEFAULT_CONFIG,
      metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION),
    )
  );
}
