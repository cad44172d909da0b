import { type Span, type TracerProvider, trace } from '@opentelemetry/api';

// Recognising Datadog's tracer (dd-trace) behind @opentelemetry/api, whose
// bridge encodes links in a size-limited tag (see link-size.ts). dd-trace
// keeps its one tracer in `globalThis._ddtrace` (set once per process by its
// bootstrap), whose `TracerProvider` getter is the bridge's provider class.

interface DdTraceGlobal {
  TracerProvider?: unknown;
}

/**
 * Whether `provider` (default: the global one, unwrapped from the API's proxy)
 * is dd-trace's OpenTelemetry bridge. Cheap enough to call per batch; never
 * throws. It checks the class name first, so a process without dd-trace, or
 * with another provider, never touches dd-trace's module loader.
 */
export function isDatadogBridgeTracerProvider(
  provider: TracerProvider = trace.getTracerProvider(),
): boolean {
  try {
    const delegate = unwrapProxy(provider);
    if (delegate?.constructor?.name !== 'TracerProvider') return false;
    const ddtrace = (globalThis as { _ddtrace?: DdTraceGlobal })._ddtrace;
    if (typeof ddtrace !== 'object' || ddtrace === null) return false;
    const bridgeClass = ddtrace.TracerProvider;
    return typeof bridgeClass === 'function' && delegate instanceof bridgeClass;
  } catch {
    return false;
  }
}

/** Whether `span` was made by dd-trace's bridge (it wraps a Datadog span). */
export function isDatadogBridgeSpan(span: Span): boolean {
  try {
    const context = span.spanContext() as { _ddContext?: unknown };
    return (
      typeof (span as { _ddSpan?: unknown })._ddSpan === 'object' &&
      typeof context._ddContext === 'object' &&
      context._ddContext !== null
    );
  } catch {
    return false;
  }
}

function unwrapProxy(provider: TracerProvider): object | undefined {
  const getDelegate = (provider as { getDelegate?: unknown }).getDelegate;
  const delegate: unknown =
    typeof getDelegate === 'function' ? getDelegate.call(provider) : provider;
  return typeof delegate === 'object' && delegate !== null ? delegate : undefined;
}
