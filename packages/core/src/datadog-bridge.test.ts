import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import type { TracerProvider as ApiTracerProvider, Span } from '@opentelemetry/api';
import { isDatadogBridgeSpan, isDatadogBridgeTracerProvider } from './datadog-bridge';

// dd-trace itself is tried end to end in integration-tests/src/datadog; here
// the checks run against stand-ins shaped like it.
const tracing = installTestTracing();
const globals = globalThis as { _ddtrace?: unknown };

class TracerProvider {
  getTracer(): never {
    throw new Error('not used');
  }
}

describe('isDatadogBridgeTracerProvider', () => {
  afterEach(() => {
    delete globals._ddtrace;
  });

  it('is false for the OpenTelemetry SDK behind the global proxy', () => {
    assert.equal(isDatadogBridgeTracerProvider(), false);
  });

  it("is true for an instance of dd-trace's bridge class, also behind the API's proxy", () => {
    globals._ddtrace = { TracerProvider };
    const bridge = new TracerProvider() as unknown as ApiTracerProvider;
    assert.equal(isDatadogBridgeTracerProvider(bridge), true);
    const proxy = { getDelegate: () => bridge, getTracer: () => undefined };
    assert.equal(isDatadogBridgeTracerProvider(proxy as never), true);
  });

  it('is false for another class of the same name, and when dd-trace is not loaded', () => {
    const lookalike = new TracerProvider() as never;
    assert.equal(isDatadogBridgeTracerProvider(lookalike), false);
    globals._ddtrace = { TracerProvider: class TracerProvider {} };
    assert.equal(isDatadogBridgeTracerProvider(lookalike), false);
  });

  it('never throws, whatever the provider or the global holds', () => {
    globals._ddtrace = {
      get TracerProvider() {
        throw new Error('hostile getter');
      },
    };
    assert.equal(isDatadogBridgeTracerProvider(new TracerProvider() as never), false);
    const throwing = {
      getDelegate() {
        throw new Error('x');
      },
    };
    assert.equal(isDatadogBridgeTracerProvider(throwing as unknown as ApiTracerProvider), false);
  });
});

describe('isDatadogBridgeSpan', () => {
  it("is false for the SDK's spans and true for a span wrapping a Datadog span", () => {
    const span = tracing.provider.getTracer('t').startSpan('s');
    span.end();
    assert.equal(isDatadogBridgeSpan(span), false);
    const bridged = { _ddSpan: {}, spanContext: () => ({ _ddContext: {} }) } as unknown as Span;
    assert.equal(isDatadogBridgeSpan(bridged), true);
  });
});
