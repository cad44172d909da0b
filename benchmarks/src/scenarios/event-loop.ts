/** Lets timers and I/O run, as a consumer does between fetches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
