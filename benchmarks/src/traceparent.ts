/**
 * A distinct, valid W3C `traceparent` for message `index` of a run: each
 * message looks as if it came from its own producer span in its own trace.
 * `salt` keeps separate rounds of a run from sharing contexts.
 */
export function traceparentFor(index: number, salt = 0): string {
  const trace = `${hex(salt, 8)}${hex(index, 12)}${hex(index ^ 0x5a5a5a, 12)}`;
  const span = `${hex(index + 1, 12)}${hex(salt, 4)}`;
  return `00-${trace}-${span}-01`;
}

function hex(value: number, width: number): string {
  return (value % 16 ** width).toString(16).padStart(width, '0');
}
