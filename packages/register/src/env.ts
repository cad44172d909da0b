import { getBooleanFromEnv } from '@opentelemetry/core';

/** `true` adds the rest of `getNodeAutoInstrumentations()` to fanin's instrumentations. */
export const AUTO_INSTRUMENTATIONS_ENV = 'FANIN_AUTO_INSTRUMENTATIONS';

/** `OTEL_SDK_DISABLED`, read as the SDK reads it. */
export function sdkDisabled(): boolean {
  return getBooleanFromEnv('OTEL_SDK_DISABLED');
}

export function autoInstrumentationsWanted(): boolean {
  return getBooleanFromEnv(AUTO_INSTRUMENTATIONS_ENV);
}
