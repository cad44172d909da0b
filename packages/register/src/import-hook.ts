import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort } from 'node:worker_threads';

let registered = false;

/**
 * Registers the import hook of `@opentelemetry/instrumentation` (once), without
 * which an ES module's `import ... from 'kafkajs'` reaches kafkajs unpatched.
 */
export function registerImportHook(): void {
  if (registered) return;
  registered = true;
  register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename));
}

/**
 * Whether this is the thread Node runs `module.register` hooks in. Node runs
 * `-r` preloads there too; it is an internal worker, told apart from the
 * application's workers by having no `parentPort`.
 */
export function inHooksThread(): boolean {
  return !isMainThread && parentPort === null;
}

function packageType(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    try {
      const manifest = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as {
        type?: unknown;
      };
      return typeof manifest.type === 'string' ? manifest.type : undefined;
    } catch {
      // no (readable) package.json here: look further up
    }
    if (dirname(at) === at) return undefined;
  }
}

/** Whether the application's entry point (`node app.mjs`) is loaded as an ES module. */
export function mainIsEsModule(main: string | undefined = process.argv[1]): boolean {
  if (main === undefined) return false;
  const extension = extname(main);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension === '.cjs' || extension === '.cts') return false;
  return packageType(dirname(main)) === 'module';
}
