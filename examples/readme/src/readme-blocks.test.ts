// Every README block users are meant to run is a file of the repository, shown
// verbatim; fragments say so. The files are run elsewhere: packages/core's
// readme.test.ts (core's examples) and integration-tests' packaging test (these,
// from the packed tarballs, against the real brokers).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { type CodeBlock, codeBlocks, installedPackages, mustBeMarked } from './readme-blocks';

const root = join(__dirname, '..', '..', '..');
/** The repository's README and those of the packages users install (not private ones). */
const readmes = [
  'README.md',
  ...readdirSync(join(root, 'packages'))
    .filter((name) => {
      const manifest = join(root, 'packages', name, 'package.json');
      return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).private !== true;
    })
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(root, path))),
];
const blocks = readmes.flatMap((readme) => codeBlocks(root, readme));
const where = (block: CodeBlock) => `${block.readme}:${block.line}`;

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ['src', 'dist', 'node_modules'].includes(entry.name) ? [] : filesBelow(path);
    return [relative(root, path)];
  });
}

describe('README code blocks', () => {
  it('finds the marked blocks of every README', () => {
    assert.ok(
      blocks.filter((block) => block.example).length >= 10,
      'the READMEs have their examples',
    );
  });

  for (const block of blocks.filter(mustBeMarked)) {
    it(`${where(block)} (${block.language || 'text'}) is an example file or says it is a fragment`, () => {
      assert.ok(
        block.example || block.fragment,
        `${where(block)}: put the block in a file and mark it <!-- example: path -->, or mark it <!-- fragment: why -->`,
      );
    });
  }

  for (const block of blocks.filter((b) => b.example)) {
    it(`${where(block)} shows ${block.example} as it is`, () => {
      const file = join(root, block.example ?? '');
      assert.ok(existsSync(file), `${block.example} exists`);
      assert.equal(
        block.body,
        readFileSync(file, 'utf8').trimEnd(),
        `${where(block)} is ${block.example}`,
      );
    });
  }

  it('shows every file of examples/readme in a README', () => {
    const shown = new Set(blocks.map((block) => block.example));
    const files = filesBelow(join(root, 'examples', 'readme')).filter((path) =>
      /\.(js|mjs|cjs|ts|sh)$/.test(path),
    );
    assert.deepEqual(
      files.filter((path) => !shown.has(path)),
      [],
      'files no README shows',
    );
  });

  it('pins every package of an install line to a version, but fanin`s own', () => {
    const installs = blocks.filter((block) => /^npm install /m.test(block.body));
    assert.ok(installs.length >= 4, 'the READMEs have their install lines');
    for (const block of installs) {
      for (const { name, version } of installedPackages(block.body)) {
        if (name.startsWith('@fanin/')) continue;
        assert.match(version ?? '', /^\d+\.\d+\.\d+$/, `${where(block)}: ${name} pinned`);
      }
    }
  });

  it('names @opentelemetry/instrumentation, the peer of every fanin package, in each install line', () => {
    for (const block of blocks.filter((b) => /^npm install /m.test(b.body))) {
      for (const line of block.body.split('\n').filter((l) => l.startsWith('npm install '))) {
        assert.match(line, /@opentelemetry\/instrumentation@/, `${where(block)}: ${line}`);
      }
    }
  });
});
