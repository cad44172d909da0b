import { type Context, propagation } from '@opentelemetry/api';
import { ContextExtractor } from './extract';
import { headerSetter } from './headers';

/** Whether `headers` already carry a valid trace context. */
export function carriesContext(headers: unknown): boolean {
  return new ContextExtractor().extract(headers).status === 'valid';
}

/**
 * A copy of `headers` with `ctx` injected by the global propagator, or
 * undefined when the headers already carry a context and `overwrite` is off.
 * The caller's headers object is never written to: it may be shared by
 * several messages.
 */
export function headersWithContext(
  headers: unknown,
  ctx: Context,
  overwrite: boolean,
): Record<string, unknown> | undefined {
  const existing = typeof headers === 'object' && headers !== null ? headers : undefined;
  if (!overwrite && existing !== undefined && carriesContext(existing)) return undefined;
  const copy: Record<string, unknown> = existing ? { ...existing } : {};
  try {
    propagation.inject(ctx, copy, headerSetter);
  } catch {
    return undefined;
  }
  return copy;
}
