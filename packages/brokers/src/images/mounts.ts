import { readFileSync } from 'node:fs';

/**
 * Mount points at or below `dir` in the text of /proc/mounts, deepest first (the order to
 * unmount them in). debootstrap mounts /proc and /sys in its target; an interrupted run can
 * leave them there, and a recursive delete must never walk into them.
 */
export function mountsUnder(procMounts: string, dir: string): string[] {
  const base = dir.replace(/\/+$/, '');
  return procMounts
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((point): point is string => point !== undefined)
    .map(unescapeMountPath)
    .filter((point) => point === base || point.startsWith(`${base}/`))
    .sort((a, b) => b.length - a.length);
}

/** /proc/mounts writes space, tab, newline and backslash as octal escapes. */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

export function readProcMounts(): string {
  try {
    return readFileSync('/proc/mounts', 'utf8');
  } catch {
    return '';
  }
}
