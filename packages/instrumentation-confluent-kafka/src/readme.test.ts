// The README shows the examples in src/examples as they are; the integration
// tests run them against the real broker (integration-tests/src/confluent-example.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const root = join(__dirname, '..');
const sources = join(root, 'src', 'examples');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('the README', () => {
  for (const file of readdirSync(sources).filter((name) => name.endsWith('.ts'))) {
    it(`shows src/examples/${file} as it is`, () => {
      const source = readFileSync(join(sources, file), 'utf8').trim();
      assert.ok(readme.includes(source), `${file} is in the README, unchanged`);
    });
  }

  it('names the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(PACKAGE_NAME, manifest.name);
    assert.equal(PACKAGE_VERSION, manifest.version);
  });
});
