import { createHash } from 'node:crypto';

/** Kafka versions built as stand-ins: the first is the default image, the rest are for the matrix. */
export const STAND_IN_KAFKA_VERSIONS = ['3.9.1', '4.1.1'] as const;

/**
 * Debian releases whose `rabbitmq-server` is built as a stand-in: trixie has 4.0, bookworm
 * 3.10. The first is the default image and the one Kafka is built on (trixie's JRE is 21,
 * the Java of the official apache/kafka images).
 */
export const STAND_IN_DEBIAN_SUITES = ['trixie', 'bookworm'] as const;

/** The headless JRE of each release, for the Kafka image. */
export const JRE_PACKAGES: Readonly<Record<string, string>> = {
  bookworm: 'openjdk-17-jre-headless',
  trixie: 'openjdk-21-jre-headless',
};

export function jrePackage(suite: string): string {
  const name = JRE_PACKAGES[suite];
  if (!name) throw new Error(`no JRE package known for Debian ${suite}`);
  return name;
}

/** Every stand-in tag starts with `localhost/`, so nothing ever tries to pull one from a hub. */
const REPOSITORY = 'localhost/fanin';

/** A short hash of everything an image is built from: equal inputs, equal key, same image. */
export function cacheKey(inputs: unknown): string {
  return createHash('sha256').update(stableJson(inputs)).digest('hex').slice(0, 12);
}

/** JSON with object keys sorted, so that the key does not depend on property order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function baseTag(suite: string, key: string): string {
  return `${REPOSITORY}/debian:${suite}-${key}`;
}

export function kafkaTag(version: string, key: string): string {
  return `${REPOSITORY}/kafka:${version}-${key}`;
}

export function rabbitmqTag(suite: string, key: string): string {
  return `${REPOSITORY}/rabbitmq:debian-${suite}-${key}`;
}

/** The upstream part of a Debian package version: `1:3.10.8-1.1+deb12u1` → `3.10.8`. */
export function upstreamVersion(debianVersion: string): string {
  const withoutEpoch = debianVersion.trim().replace(/^\d+:/, '');
  const dash = withoutEpoch.lastIndexOf('-');
  return dash > 0 ? withoutEpoch.slice(0, dash) : withoutEpoch;
}
