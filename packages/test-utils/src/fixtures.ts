/** A deterministic, valid 32-hex trace id for test producer number `n`. */
export function testTraceId(n: number): string {
  return (n + 1).toString(16).padStart(32, '0');
}

/** A deterministic, valid 16-hex span id for test producer number `n`. */
export function testSpanId(n: number): string {
  return (n + 1).toString(16).padStart(16, '0');
}

/** A sampled W3C `traceparent` header for test producer number `n`. */
export function testTraceparent(n: number): string {
  return `00-${testTraceId(n)}-${testSpanId(n)}-01`;
}
