// The CommonJS entry (`node -r @fanin/register`); the ES module entry
// (register.mts) loads this one, so the SDK starts once either way.
import { startFromEnv } from './start';

const shutdownSdk = startFromEnv();

/**
 * Flushes and stops the SDK that `@fanin/register` started (at once when
 * `OTEL_SDK_DISABLED=true`). Await it before calling `process.exit()` yourself;
 * otherwise `@fanin/register` calls it when the process ends.
 */
export function shutdown(): Promise<void> {
  return shutdownSdk();
}
