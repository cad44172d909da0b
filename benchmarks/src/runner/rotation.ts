/**
 * `items` rotated by `turn`: across repetitions each item takes each place in
 * the order, so none always runs first (or right after another one).
 */
export function rotated<T>(items: readonly T[], turn: number): T[] {
  if (items.length === 0) return [];
  const start = turn % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
