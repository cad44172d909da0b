import { diag, isSpanContextValid, type Span } from '@opentelemetry/api';

const GLOBAL_API_KEY = Symbol.for('opentelemetry.js.api.1');
let warned = false;

interface GlobalApiRecord {
  version?: unknown;
  trace?: unknown;
}

/**
 * Why spans are no-ops, or undefined when `span` is a real span. A span with
 * an invalid context comes from the API's no-op tracer: either no tracer
 * provider was registered, or it was registered through another copy of
 * `@opentelemetry/api` that this copy refuses (an older minor version).
 */
export function explainNoopSpan(span: Span): string | undefined {
  if (isSpanContextValid(span.spanContext())) return undefined;
  const record = (globalThis as Record<symbol, GlobalApiRecord | undefined>)[GLOBAL_API_KEY];
  if (record?.trace !== undefined) {
    return (
      `fanin: spans are no-ops. A tracer provider is registered through @opentelemetry/api ` +
      `${String(record.version)}, but the copy fanin loaded does not accept it. Install exactly ` +
      'one copy of @opentelemetry/api (npm ls @opentelemetry/api), e.g. with npm "overrides".'
    );
  }
  return (
    'fanin: spans are no-ops: no tracer provider is registered. Start the OpenTelemetry SDK ' +
    '(or another provider) before the instrumented library handles messages.'
  );
}

/** Tells the diagnostic logger once per process when fanin finds itself on a no-op tracer. */
export function warnOnceIfNoopSpan(span: Span): void {
  if (warned) return;
  const reason = explainNoopSpan(span);
  if (reason === undefined) return;
  warned = true;
  diag.warn(reason);
}
