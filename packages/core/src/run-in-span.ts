import { type Context, context, diag, type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from './semconv';

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Reads a property of a thrown value whose getters may themselves throw. */
function safeRead(value: unknown, key: 'message' | 'name'): string | undefined {
  try {
    const read = (value as Record<string, unknown>)[key];
    return typeof read === 'string' ? read : undefined;
  } catch {
    return undefined;
  }
}

/** The `error.type` of a thrown value: its name, its class's, or `Error`. Never throws. */
export function errorTypeOf(error: unknown): string {
  return describeThrown(error).name;
}

function describeThrown(error: unknown): { name: string; message: string } {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) {
    return { name: 'Error', message: String(error) };
  }
  let constructorName: string | undefined;
  try {
    constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name as string;
  } catch {
    constructorName = undefined;
  }
  const name = safeRead(error, 'name') || constructorName || 'Error';
  return { name, message: safeRead(error, 'message') ?? name };
}

/**
 * Marks a span as failed by `error`: status ERROR, the exception recorded,
 * `error.type` set. Whatever was thrown (a value whose getters or `toString`
 * throw, a revoked Proxy), the status says ERROR.
 */
export function recordError(span: Span, error: unknown): void {
  const { name, message } = describeThrown(error);
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.setAttribute(ATTR_ERROR_TYPE, name);
  } catch (failure) {
    diag.debug('fanin: could not set the error status of a span', failure);
  }
  try {
    span.recordException(error instanceof Error ? error : { name, message });
  } catch {
    try {
      span.recordException({ name, message });
    } catch (failure) {
      diag.debug('fanin: could not record an exception on a span', failure);
    }
  }
}

/** Told how a handler settled: undefined when it succeeded, else the `error.type` of what it threw. */
export type OnSettled = (errorType: string | undefined) => void;

/**
 * Runs `fn` inside `ctx` and calls `end` once it settles: at return, or when
 * the promise it returns settles. A failure is recorded on `span` and handed
 * back unchanged (thrown again, or the same rejection), so the caller's retry
 * behaviour stays as it was. `onSettled`, if given, hears how it settled
 * just before `end` (for metrics).
 */
export function runInSpan<T>(
  span: Span,
  ctx: Context,
  fn: () => T,
  end: () => void,
  onSettled?: OnSettled,
): T {
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (error) {
    recordError(span, error);
    settle(end, onSettled, error, true);
    throw error;
  }
  if (!isPromiseLike(result)) {
    settle(end, onSettled, undefined, false);
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      settle(end, onSettled, undefined, false);
      return value;
    },
    (error: unknown) => {
      recordError(span, error);
      settle(end, onSettled, error, true);
      throw error;
    },
  ) as T;
}

function settle(
  end: () => void,
  onSettled: OnSettled | undefined,
  error: unknown,
  failed: boolean,
): void {
  try {
    onSettled?.(failed ? errorTypeOf(error) : undefined);
  } catch (failure) {
    diag.debug('fanin: could not record how a handler settled', failure);
  }
  try {
    end();
  } catch (failure) {
    diag.debug('fanin: could not end a span', failure);
  }
}

function reportHookFailure(hookName: string, error: unknown): void {
  diag.error(`fanin: ${hookName} failed; the message flow goes on`, error);
}

/**
 * Calls a user hook. A hook that throws, or returns a promise that rejects
 * (an `async` hook), is reported to the diagnostic logger and ignored: hooks
 * never break the message flow, nor take the process down.
 */
export function callHook<A extends unknown[]>(
  hookName: string,
  hook: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  if (typeof hook !== 'function') return;
  try {
    const returned = hook(...args);
    if (isPromiseLike(returned)) {
      returned.then(undefined, (error: unknown) => reportHookFailure(hookName, error));
    }
  } catch (error) {
    reportHookFailure(hookName, error);
  }
}
