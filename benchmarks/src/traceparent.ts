/**
 * A distinct, valid W3C `traceparent` for message `index` of a run: each
 * message looks as if it came from its own producer span in its own trace.
 * `salt` keeps separate rounds of a run from sharing contexts; `sampled`
 * sets the producer's sampled flag.
 */
export function traceparentFor(index: number, salt = 0, sampled = true): string {
  const trace = `${hex(salt, 8)}${hex(index, 12)}${hex(index ^ 0x5a5a5a, 12)}`;
  const span = `${hex(index + 1, 12)}${hex(salt, 4)}`;
  return `00-${trace}-${span}-${sampled ? '01' : '00'}`;
}

/** Whether the producer of message `offset` is sampled, when every `every`-th one is. */
export function isSampledProducer(offset: number, every: number): boolean {
  return offset % every === 0;
}

function hex(value: number, width: number): string {
  return (value % 16 ** width).toString(16).padStart(width, '0');
}
