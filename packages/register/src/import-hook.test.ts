import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inHooksThread, mainIsEsModule } from './import-hook';

const root = mkdtempSync(join(tmpdir(), 'fanin-register-main-'));
after(() => rmSync(root, { recursive: true, force: true }));

function app(dir: string, type: string | undefined): string {
  const at = join(root, dir);
  mkdirSync(join(at, 'src'), { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify(type ? { type } : {}));
  return join(at, 'src', 'app.js');
}

describe('mainIsEsModule', () => {
  it('by extension: .mjs and .mts are, .cjs and .cts are not', () => {
    assert.deepEqual(
      ['a.mjs', 'a.mts', 'a.cjs', 'a.cts'].map((file) => mainIsEsModule(join(root, file))),
      [true, true, false, false],
    );
  });

  it('a .js file by the "type" of the nearest package.json above it', () => {
    assert.equal(mainIsEsModule(app('esm', 'module')), true);
    assert.equal(mainIsEsModule(app('cjs', 'commonjs')), false);
    assert.equal(mainIsEsModule(app('untyped', undefined)), false);
  });

  it('no entry point (a REPL, -e): not an ES module', () => {
    assert.equal(mainIsEsModule(undefined), false);
  });
});

describe('inHooksThread', () => {
  it('is false on the main thread', () => {
    assert.equal(inHooksThread(), false);
  });
});
