// packages/register/README.md shows the example workers as they are (the other
// tests of this folder run them), and names only files and variables that exist.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXAMPLES } from './worker-run';

const readme = readFileSync(join(EXAMPLES, '..', 'README.md'), 'utf8');

describe("@fanin/register's README", () => {
  for (const file of readdirSync(EXAMPLES)) {
    it(`shows examples/${file} as it is`, () => {
      const source = readFileSync(join(EXAMPLES, file), 'utf8').trim();
      assert.ok(readme.includes(source), `${file} is in the README, unchanged`);
    });
  }

  it('runs only workers that are in examples/', () => {
    const run = [...readme.matchAll(/node (?:--import|-r) @fanin\/register (\S+)/g)].map(
      (match) => match[1] ?? '',
    );
    assert.ok(run.length >= 2);
    for (const file of run.filter((name) => name !== 'app.mjs' && name !== 'app.js')) {
      assert.ok(existsSync(join(EXAMPLES, file)), `${file} is in examples/`);
    }
  });

  it('documents FANIN_AUTO_INSTRUMENTATIONS, the variable the package reads', () => {
    const source = readFileSync(join(EXAMPLES, '..', 'src', 'env.ts'), 'utf8');
    const variable = /AUTO_INSTRUMENTATIONS_ENV = '([A-Z_]+)'/.exec(source)?.[1];
    assert.equal(variable, 'FANIN_AUTO_INSTRUMENTATIONS');
    assert.ok(readme.includes(`| \`${variable}\``), 'in the variables table');
  });
});
