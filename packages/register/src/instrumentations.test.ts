// Which instrumentations @fanin/register starts, with the optional packages
// present, absent, or installed but unusable (fixtures in a temporary
// node_modules, found through a `require` made there).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  AUTO_INSTRUMENTATIONS_PACKAGE,
  CONFLUENT_KAFKA_PACKAGE,
  chooseInstrumentations,
  OVERLAPPING_OFFICIAL_INSTRUMENTATIONS,
} from './instrumentations';
import { loadOptionalExport } from './optional-export';

const root = mkdtempSync(join(tmpdir(), 'fanin-register-'));
let fixture = 0;

/** A `require` from a fresh directory whose node_modules holds `packages` (name to index.js source). */
function requireWith(packages: Record<string, string>) {
  const dir = join(root, String(fixture++));
  for (const [name, source] of Object.entries(packages)) {
    const packageDir = join(dir, 'node_modules', name);
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
    writeFileSync(join(packageDir, 'index.js'), source);
  }
  mkdirSync(dir, { recursive: true });
  return createRequire(join(dir, 'app.js'));
}

const FAKE_INSTRUMENTATION = `
  exports.ConfluentKafkaInstrumentation = class {
    constructor() { this.instrumentationName = 'fake-confluent'; }
    getConfig() { return {}; } disable() {} setTracerProvider() {} setMeterProvider() {}
  };`;

/** The FaninWarnings emitted while `run` runs (they are emitted on the next tick). */
async function warningsOf(run: () => void): Promise<{ code?: string; message: string }[]> {
  const seen: { code?: string; message: string }[] = [];
  const listener = (warning: Error & { code?: string }) => {
    if (warning.name === 'FaninWarning')
      seen.push({ code: warning.code, message: warning.message });
  };
  process.on('warning', listener);
  try {
    run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

const names = (instrumentations: Instrumentation[]) =>
  instrumentations.map((instrumentation) => instrumentation.instrumentationName);

let started: Instrumentation[] = [];
afterEach(() => {
  for (const instrumentation of started) instrumentation.disable();
  started = [];
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('loadOptionalExport', () => {
  it('absent when the package is not installed', () => {
    assert.deepEqual(loadOptionalExport(requireWith({}), 'not-installed', 'X'), {
      state: 'absent',
    });
  });

  it('loaded when it has the export', () => {
    const found = loadOptionalExport(requireWith({ pkg: 'exports.X = 42;' }), 'pkg', 'X');
    assert.deepEqual(found, { state: 'loaded', value: 42 });
  });

  it('unusable, with the reason, when it lacks the export or throws while loading', () => {
    const load = requireWith({ other: 'exports.Y = 1;', broken: "throw new Error('boom');" });
    assert.deepEqual(loadOptionalExport(load, 'other', 'X'), {
      state: 'unusable',
      reason: 'it has no export X',
    });
    assert.deepEqual(loadOptionalExport(load, 'broken', 'X'), {
      state: 'unusable',
      reason: 'boom',
    });
  });

  it('unusable, not absent, when the package is there but a module it needs is not', () => {
    const load = requireWith({ needy: "require('missing-dependency');" });
    const found = loadOptionalExport(load, 'needy', 'X');
    assert.equal(found.state, 'unusable');
  });
});

describe('chooseInstrumentations', () => {
  it("fanin's kafkajs and amqplib instrumentations, silently, without the optional packages", async () => {
    const warnings = await warningsOf(() => {
      started = chooseInstrumentations({ autoInstrumentations: false, load: requireWith({}) });
    });
    assert.deepEqual(names(started), [
      '@fanin/instrumentation-kafkajs',
      '@fanin/instrumentation-amqplib',
    ]);
    assert.deepEqual(warnings, []);
  });

  it('adds the confluent-kafka instrumentation when its package is installed', async () => {
    const load = requireWith({ [CONFLUENT_KAFKA_PACKAGE]: FAKE_INSTRUMENTATION });
    const warnings = await warningsOf(() => {
      started = chooseInstrumentations({ autoInstrumentations: false, load });
    });
    assert.deepEqual(names(started).slice(2), ['fake-confluent']);
    assert.deepEqual(warnings, []);
  });

  it('warns once, naming the package and the export, when the package lacks the export', async () => {
    const load = requireWith({ [CONFLUENT_KAFKA_PACKAGE]: 'exports.Other = class {};' });
    const warnings = await warningsOf(() => {
      started = chooseInstrumentations({ autoInstrumentations: false, load });
      started.push(...chooseInstrumentations({ autoInstrumentations: false, load }));
    });
    assert.equal(started.length, 4, "fanin's own two, twice");
    assert.deepEqual(
      warnings.map((warning) => warning.code),
      ['FANIN_INSTRUMENTATION_UNAVAILABLE'],
    );
    assert.match(
      warnings[0]?.message ?? '',
      /@fanin\/instrumentation-confluent-kafka is installed/,
    );
    assert.match(warnings[0]?.message ?? '', /no export ConfluentKafkaInstrumentation/);
  });

  it('passes enabled: false for the official kafkajs and amqplib instrumentations', async () => {
    const load = requireWith({
      [AUTO_INSTRUMENTATIONS_PACKAGE]: `
        exports.getNodeAutoInstrumentations = (configs) => {
          globalThis.__faninAutoConfigs = configs;
          return [];
        };`,
    });
    started = chooseInstrumentations({ autoInstrumentations: true, load });
    const configs = (globalThis as { __faninAutoConfigs?: unknown }).__faninAutoConfigs;
    assert.deepEqual(
      configs,
      Object.fromEntries(
        OVERLAPPING_OFFICIAL_INSTRUMENTATIONS.map((name) => [name, { enabled: false }]),
      ),
    );
  });

  it('warns when FANIN_AUTO_INSTRUMENTATIONS asks for a package that is not installed', async () => {
    const warnings = await warningsOf(() => {
      started = chooseInstrumentations({ autoInstrumentations: true, load: requireWith({}) });
    });
    assert.equal(started.length, 2);
    assert.deepEqual(
      warnings.map((warning) => warning.code),
      ['FANIN_INSTRUMENTATION_UNAVAILABLE'],
    );
    assert.match(warnings[0]?.message ?? '', /FANIN_AUTO_INSTRUMENTATIONS=true/);
    assert.match(
      warnings[0]?.message ?? '',
      /npm install @opentelemetry\/auto-instrumentations-node/,
    );
  });
});
