import { type Context, context, diag, type Span, SpanStatusCode } from '@opentelemetry/api';

/** Marks a span as failed by `error`: status ERROR, the exception recorded, `error.type` set. */
export function recordError(span: Span, error: unknown): void {
  try {
    const exception =
      error instanceof Error ? error : new Error(typeof error === 'string' ? error : String(error));
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
    span.setAttribute('error.type', exception.name || exception.constructor?.name || 'Error');
  } catch (recordingFailure) {
    diag.debug('fanin: could not record an error on a span', recordingFailure);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` inside `ctx` and calls `end` once it settles: at return, or when
 * the promise it returns settles. A failure is recorded on `span` and handed
 * back unchanged (thrown again, or the same rejection), so the caller's retry
 * behaviour stays as it was.
 */
export function runInSpan<T>(span: Span, ctx: Context, fn: () => T, end: () => void): T {
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (error) {
    recordError(span, error);
    end();
    throw error;
  }
  if (!isPromiseLike(result)) {
    end();
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      end();
      return value;
    },
    (error: unknown) => {
      recordError(span, error);
      end();
      throw error;
    },
  ) as T;
}

/** Calls a user hook; a hook that throws is reported to the diagnostic logger and ignored. */
export function callHook<A extends unknown[]>(
  hookName: string,
  hook: ((...args: A) => void) | undefined,
  ...args: A
): void {
  if (hook === undefined) return;
  try {
    hook(...args);
  } catch (error) {
    diag.error(`fanin: ${hookName} threw; the message flow goes on`, error);
  }
}
