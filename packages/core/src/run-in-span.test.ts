import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { callHook, runInSpan } from './run-in-span';

const tracing = installTestTracing();
const tracer = trace.getTracer('run-in-span.test');

function run<T>(fn: () => T): T {
  const span = tracer.startSpan('work');
  return runInSpan(span, trace.setSpan(context.active(), span), fn, () => span.end());
}

describe('runInSpan', () => {
  beforeEach(() => tracing.reset());

  it('runs the function in the span context and ends the span when it returns', () => {
    const seen = run(() => trace.getActiveSpan()?.spanContext().spanId);
    const [span] = tracing.spans();
    assert.equal(seen, span?.spanContext().spanId);
    assert.equal(span?.status.code, SpanStatusCode.UNSET);
  });

  it('ends the span only when the returned promise settles', async () => {
    let release: () => void = () => {};
    const pending = run(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(tracing.spans().length, 0);
    release();
    await pending;
    assert.equal(tracing.spans().length, 1);
  });

  it('re-throws a synchronous error unchanged and marks the span', () => {
    const error = new TypeError('sync failure');
    assert.throws(
      () =>
        run(() => {
          throw error;
        }),
      (thrown) => thrown === error,
    );
    const [span] = tracing.spans();
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.status.message, 'sync failure');
    assert.equal(span?.attributes['error.type'], 'TypeError');
    assert.equal(span?.events[0]?.name, 'exception');
  });

  it('passes a rejection through unchanged, even a non-Error value', async () => {
    await assert.rejects(
      run(() => Promise.reject('plain string')),
      (thrown) => thrown === 'plain string',
    );
    assert.equal(tracing.spans()[0]?.status.code, SpanStatusCode.ERROR);
  });
});

describe('callHook', () => {
  it('swallows a throwing hook and passes arguments to a working one', () => {
    const seen: number[] = [];
    callHook('hook', (n: number) => seen.push(n), 7);
    callHook('hook', () => {
      throw new Error('hook failure');
    });
    callHook('hook', undefined);
    assert.deepEqual(seen, [7]);
  });
});
