/** One repository line of apt's configuration: where and which suites. */
export interface AptSource {
  uri: string;
  suites: string[];
}

/** Entries of a deb822 `.sources` file (stanzas of `Field: value` lines). */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([\w-]+):\s*(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
      sources.push({ uri, suites });
    }
  }
  return sources;
}

/** Entries of a one-line-style `sources.list` (`deb [options] uri suite components...`). */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/#.*/, '')
      .replace(/\[[^\]]*\]/, ' ')
      .trim();
    const [type, uri, suite] = line.split(/\s+/);
    if (type === 'deb' && uri && suite) sources.push({ uri, suites: [suite] });
  }
  return sources;
}

export interface DebianMirrors {
  /** The archive, e.g. http://deb.debian.org/debian. */
  mirror: string;
  /** The security archive, e.g. http://deb.debian.org/debian-security. */
  security: string;
}

/**
 * The Debian mirrors the machine's apt uses: the archive serving `codename` and the one
 * serving `codename-security` (else the archive's URL with `-security` appended).
 */
export function debianMirrors(sources: AptSource[], codename: string): DebianMirrors | undefined {
  const trim = (uri: string) => uri.replace(/\/+$/, '');
  const archive = sources.find((source) => source.suites.includes(codename));
  if (!archive) return undefined;
  const security = sources.find((source) => source.suites.includes(`${codename}-security`));
  const mirror = trim(archive.uri);
  return { mirror, security: security ? trim(security.uri) : `${mirror}-security` };
}

/** VERSION_CODENAME from the text of /etc/os-release. */
export function osCodename(osRelease: string): string | undefined {
  const match = /^VERSION_CODENAME=["']?([\w-]+)["']?\s*$/m.exec(osRelease);
  return match?.[1];
}
