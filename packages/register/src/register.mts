// The ES module entry (`node --import @fanin/register`): registers the import
// hook that lets the instrumentations patch ES module applications, then
// starts the SDK through the CommonJS entry.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { sdkDisabled } = require('./env.js') as typeof import('./env.js');
const { registerImportHook } = require('./import-hook.js') as typeof import('./import-hook.js');

if (!sdkDisabled()) registerImportHook();

const entry = require('./index.js') as typeof import('./index.js');

/** See the CommonJS entry: flushes and stops the SDK `@fanin/register` started. */
export const shutdown: () => Promise<void> = entry.shutdown;
