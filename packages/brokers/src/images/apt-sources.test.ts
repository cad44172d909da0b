import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { debianMirrors, osCodename, parseDeb822Sources, parseOneLineSources } from './apt-sources';

const DEB822 = `Types: deb
# a snapshot would be here
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security/
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm

Enabled: no
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
`;

describe('apt sources', () => {
  it('reads deb822 stanzas, skipping deb-src and disabled ones', () => {
    assert.deepEqual(parseDeb822Sources(DEB822), [
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'http://deb.debian.org/debian-security/', suites: ['bookworm-security'] },
    ]);
  });

  it('reads one-line entries with options and comments', () => {
    const text = `# comment
deb [signed-by=/k.gpg arch=amd64] http://mirror.example/debian bookworm main
deb-src http://mirror.example/debian bookworm main
deb http://mirror.example/debian-security bookworm-security main # trailing
`;
    assert.deepEqual(parseOneLineSources(text), [
      { uri: 'http://mirror.example/debian', suites: ['bookworm'] },
      { uri: 'http://mirror.example/debian-security', suites: ['bookworm-security'] },
    ]);
  });

  it('finds the archive and security mirrors for a codename', () => {
    assert.deepEqual(debianMirrors(parseDeb822Sources(DEB822), 'bookworm'), {
      mirror: 'http://deb.debian.org/debian',
      security: 'http://deb.debian.org/debian-security',
    });
    assert.equal(debianMirrors(parseDeb822Sources(DEB822), 'trixie'), undefined);
  });

  it('derives the security mirror when apt lists none', () => {
    assert.deepEqual(
      debianMirrors([{ uri: 'http://m.example/debian/', suites: ['trixie'] }], 'trixie'),
      {
        mirror: 'http://m.example/debian',
        security: 'http://m.example/debian-security',
      },
    );
  });

  it('reads the codename from os-release', () => {
    assert.equal(osCodename('NAME="Debian GNU/Linux"\nVERSION_CODENAME=bookworm\n'), 'bookworm');
    assert.equal(osCodename('NAME=x\n'), undefined);
  });
});
