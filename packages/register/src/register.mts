// The ES module entry (`node --import @fanin/register`): registers the import
// hook that lets the instrumentations patch ES module applications, then
// starts the SDK through the CommonJS entry.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { sdkDisabled } = require('./env.js') as typeof import('./env.js');

if (!sdkDisabled()) register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const entry = require('./index.js') as typeof import('./index.js');

/** See the CommonJS entry: flushes and stops the SDK `@fanin/register` started. */
export const shutdown: () => Promise<void> = entry.shutdown;
