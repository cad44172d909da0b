import { type Context, diag, propagation } from '@opentelemetry/api';
import { headerSetter } from './headers';

/**
 * A copy of `headers` with `ctx` injected by the global propagator, or
 * undefined when the headers cannot be copied (a Proxy, a throwing getter)
 * or the propagator fails. The caller's headers object is never written to:
 * it may be shared by several messages.
 */
export function headersWithContext(
  headers: unknown,
  ctx: Context,
): Record<string, unknown> | undefined {
  try {
    const copy: Record<string, unknown> =
      typeof headers === 'object' && headers !== null ? { ...headers } : {};
    propagation.inject(ctx, copy, headerSetter);
    return copy;
  } catch (error) {
    diag.debug('fanin: could not inject the trace context into a message', error);
    return undefined;
  }
}
