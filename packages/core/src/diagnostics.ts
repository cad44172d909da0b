import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  diag,
  INVALID_SPANID,
  INVALID_TRACEID,
  propagation,
  type Span,
  trace,
} from '@opentelemetry/api';

/**
 * The conditions under which fanin cannot record what it promises. Each is
 * reported once per process, through `diag.warn` and `process.emitWarning`
 * (which Node prints by default), with its code.
 */
export type FaninWarningCode =
  /** Spans are no-ops: no tracer provider is registered. */
  | 'FANIN_NO_TRACER_PROVIDER'
  /** A provider or propagator is registered through another copy of @opentelemetry/api, which fanin's copy refuses. */
  | 'FANIN_API_MISMATCH'
  /** Another instrumentation wraps what fanin wraps (fanin replaced it, or put its own wrapper back). */
  | 'FANIN_WRAPPER_CONFLICT'
  /** The instrumented library was loaded before fanin's instrumentation was enabled. */
  | 'FANIN_LOADED_EARLY'
  /** An option was invalid and fell back to its default. */
  | 'FANIN_INVALID_OPTION'
  /** @fanin/register could not load an instrumentation that is installed or asked for. */
  | 'FANIN_INSTRUMENTATION_UNAVAILABLE';

const PROCESS_WARNINGS_ENV = 'FANIN_PROCESS_WARNINGS';
const warned = new Set<string>();
let processWarningsByConfig: boolean | undefined;

/** Turns `process.emitWarning` off (false) or on; the `diag` warning is always given. */
export function setProcessWarnings(enabled: boolean | undefined): void {
  processWarningsByConfig = enabled;
}

function processWarningsEnabled(): boolean {
  if (processWarningsByConfig !== undefined) return processWarningsByConfig;
  const env = process.env[PROCESS_WARNINGS_ENV]?.trim().toLowerCase();
  return !(env === 'false' || env === '0' || env === 'off' || env === 'no');
}

/**
 * Reports `message` once per process for `code` and `key` (a key tells apart
 * conditions of one code, e.g. the library concerned).
 */
export function warnOnce(code: FaninWarningCode, message: string, key = ''): void {
  const id = `${code}:${key}`;
  if (warned.has(id)) return;
  warned.add(id);
  diag.warn(message);
  if (!processWarningsEnabled()) return;
  try {
    process.emitWarning(message, { type: 'FaninWarning', code });
  } catch {
    // process.emitWarning replaced by something that throws: diag has it
  }
}

/** Forgets which warnings were given (tests). */
export function resetWarnings(): void {
  warned.clear();
  checkedApi = false;
  setupChecked = false;
}

const GLOBAL_API_KEY = Symbol.for('opentelemetry.js.api.1');

interface GlobalApiRecord {
  version?: unknown;
  trace?: unknown;
  propagation?: unknown;
}

function globalApiRecord(): GlobalApiRecord | undefined {
  return (globalThis as Record<symbol, GlobalApiRecord | undefined>)[GLOBAL_API_KEY];
}

let ownApiVersion: string | undefined;

/** The version of the @opentelemetry/api copy fanin loaded: the package.json above its main file. */
export function loadedApiVersion(): string {
  if (ownApiVersion !== undefined) return ownApiVersion;
  ownApiVersion = 'unknown';
  try {
    let dir = dirname(require.resolve('@opentelemetry/api'));
    for (let depth = 0; depth < 5; depth++) {
      const manifest = readManifest(join(dir, 'package.json'));
      if (manifest?.name === '@opentelemetry/api') {
        ownApiVersion = typeof manifest.version === 'string' ? manifest.version : 'unknown';
        break;
      }
      dir = dirname(dir);
    }
  } catch {
    // the version is only for the report
  }
  return ownApiVersion;
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

const FIX_ONE_API_COPY =
  'Install exactly one copy of @opentelemetry/api (see `npm ls @opentelemetry/api`), ' +
  'e.g. with "overrides": { "@opentelemetry/api": "<the version your SDK or dd-trace uses>" } ' +
  'in package.json, then reinstall.';

/**
 * Whether the globals registered through another copy of the API (a tracer
 * provider, a propagator) are refused by fanin's copy, which then sees
 * no-ops. Reads the API's global record; never throws.
 */
export function explainApiMismatch(): string | undefined {
  try {
    const record = globalApiRecord();
    if (record === undefined) return undefined;
    const ours = (
      propagation as unknown as { _getGlobalPropagator?: () => unknown }
    )._getGlobalPropagator?.();
    const refusedPropagator = record.propagation !== undefined && ours !== record.propagation;
    const refusedProvider =
      record.trace !== undefined && trace.getTracerProvider() !== record.trace;
    if (!refusedPropagator && !refusedProvider) return undefined;
    const what = [refusedProvider && 'tracer provider', refusedPropagator && 'propagator']
      .filter(Boolean)
      .join(' and ');
    const consequences = [
      refusedProvider && 'records no spans',
      refusedPropagator &&
        'cannot read any trace context from message headers, nor inject one (no producer is linked)',
    ].filter(Boolean);
    return (
      `fanin: the ${what} of this process ${refusedProvider && refusedPropagator ? 'are' : 'is'} ` +
      `registered through @opentelemetry/api ${String(record.version)}, but fanin loaded ` +
      `@opentelemetry/api ${loadedApiVersion()}, which refuses it: fanin ` +
      `${consequences.join(' and ')}. ${FIX_ONE_API_COPY}`
    );
  } catch {
    return undefined;
  }
}

/**
 * Why `span` is a no-op, or undefined when it is a real span (sampled or not).
 * A span with an invalid context comes from the API's no-op tracer.
 */
export function explainNoopSpan(
  span: Span,
): { code: FaninWarningCode; message: string } | undefined {
  // The no-op tracer hands out spans with exactly the API's invalid context.
  let noop: boolean;
  try {
    const { traceId, spanId } = span.spanContext();
    noop = traceId === INVALID_TRACEID || spanId === INVALID_SPANID;
  } catch {
    return undefined;
  }
  if (!noop) return undefined;
  const mismatch = explainApiMismatch();
  if (mismatch !== undefined) return { code: 'FANIN_API_MISMATCH', message: mismatch };
  // The user turned the SDK off: no-op spans are what they asked for.
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  return {
    code: 'FANIN_NO_TRACER_PROVIDER',
    message:
      'fanin: spans are no-ops: no tracer provider is registered, so nothing fanin records is ' +
      'exported and no trace context goes into sent messages. Start the OpenTelemetry SDK ' +
      '(e.g. `node --import @fanin/register app.js`, or `new NodeSDK({...}).start()`) before the ' +
      'instrumented library sends or handles messages.',
  };
}

let checkedApi = false;
let setupChecked = false;

/**
 * Called with the first spans fanin starts: reports, once, a no-op tracer or
 * an API copy that refuses the application's propagator. Cheap after the
 * first call that found nothing wrong with the API copies.
 */
export function checkRecordingSetup(span: Span): void {
  if (setupChecked) return;
  if (!checkedApi) {
    checkedApi = true;
    const mismatch = explainApiMismatch();
    if (mismatch !== undefined) warnOnce('FANIN_API_MISMATCH', mismatch);
  }
  const problem = explainNoopSpan(span);
  // One real span, or one report, settles it: spans do not turn into no-ops later.
  setupChecked = true;
  if (problem !== undefined) warnOnce(problem.code, problem.message);
}
