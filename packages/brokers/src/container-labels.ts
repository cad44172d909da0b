import { hostname } from 'node:os';

/** Labels on every container this package starts, so that abandoned ones can be found. */
export const LABEL = {
  owner: 'org.fanin.brokers',
  pid: 'org.fanin.brokers.pid',
  host: 'org.fanin.brokers.host',
  /** `true` for `brokers up` (kept until `brokers down`), `false` for one test run. */
  detached: 'org.fanin.brokers.detached',
} as const;

export function ownerLabels(
  detached: boolean,
  pid: number = process.pid,
  host: string = hostname(),
): Record<string, string> {
  return {
    [LABEL.owner]: 'true',
    [LABEL.pid]: String(pid),
    [LABEL.host]: host,
    [LABEL.detached]: String(detached),
  };
}

/**
 * Whether a container was started for a test run on this host whose process is gone (it was
 * killed before it could stop its brokers). Without Ryuk nothing else would remove it.
 */
export function isAbandoned(
  labels: Readonly<Record<string, string>>,
  host: string,
  isAlive: (pid: number) => boolean,
): boolean {
  if (labels[LABEL.owner] !== 'true' || labels[LABEL.detached] !== 'false') return false;
  if (labels[LABEL.host] !== host) return false;
  const pid = Number(labels[LABEL.pid]);
  return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
}
