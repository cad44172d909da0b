// fanin as users get it: every public package packed with `npm pack`, its
// tarball checked (files, exports, metadata, dependencies), then installed into
// fresh temporary apps with the READMEs' own install lines, for the SDK 2.x line
// (API 1.9) and the 3.x line (API 1.10). Each app is type-checked with tsc
// (strict, NodeNext and Bundler resolution) and run against the real brokers as
// CommonJS and as an ES module; the spans must arrive with their links.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kafkaBrokersFromEnv, rabbitmqUrlFromEnv } from '../brokers-env';
import { startFakeOtlpReceiver } from '../datadog/fake-otlp-receiver';
import { assertFanIn, printedSpans, sentByWorkload } from './fan-in-spans';
import {
  type PackedPackage,
  pack,
  publicPackageDirectories,
  repositoryRoot,
} from './public-packages';
import {
  copiesOf,
  copyIntoApp,
  createApp,
  installLines,
  npmInstall,
  repositoryVersion,
  runNode,
  toolEnv,
  typecheck,
  type UserApp,
} from './user-app';

const work = mkdtempSync(join(tmpdir(), 'fanin-packaging-'));
let packed: PackedPackage[] = [];

const WORKLOAD = 'integration-tests/src/packaging/app/workload.ts';
/** What the apps need beside the README's lines: the libraries and their types, TypeScript's node types. */
const LIBRARIES = ['kafkajs', 'amqplib', '@types/amqplib', '@types/node'].map(repositoryVersion);

/** Every module specifier the given packages export, e.g. `@fanin/core/adapter`. */
function entryPoints(names: string[]): string[] {
  return packed
    .filter(({ manifest }) => names.includes(manifest.name))
    .flatMap(({ manifest }) =>
      Object.keys(manifest.exports ?? {})
        .filter((key) => key !== './package.json')
        .map((key) => `${manifest.name}${key.slice(1)}`),
    );
}

/** Loads each entry point with require() and import(); prints the names each way gives. */
const LOAD_BOTH_WAYS = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const names = {};
for (const specifier of JSON.parse(process.env.ENTRY_POINTS)) {
  const imported = Object.keys(await import(specifier)).filter((n) => !['default', 'module.exports', '__esModule'].includes(n));
  names[specifier] = { required: Object.keys(require(specifier)).sort(), imported: imported.sort() };
}
console.log(JSON.stringify(names));
`;

function brokersEnv(): Record<string, string> {
  return { KAFKA_BROKERS: kafkaBrokersFromEnv().join(','), RABBITMQ_URL: rabbitmqUrlFromEnv() };
}

before(() => {
  const tarballs = join(work, 'tarballs');
  packed = publicPackageDirectories().map((directory) => pack(directory, tarballs, toolEnv()));
  console.log(
    `packed: ${packed.map((p) => `${p.manifest.name} (${p.files.length} files)`).join(', ')}`,
  );
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarballs', () => {
  it('are every public package of packages/', () => {
    assert.deepEqual(
      packed.map((p) => p.manifest.name).sort(),
      publicPackageDirectories()
        .map(
          (d) =>
            JSON.parse(readFileSync(join(__dirname, '..', '..', '..', d, 'package.json'), 'utf8'))
              .name,
        )
        .sort(),
    );
    assert.ok(
      packed.some((p) => p.manifest.name === '@fanin/core'),
      '@fanin/core is public',
    );
  });

  it('ship a LICENSE, the README and what runs, never tests, examples or test support', () => {
    for (const { manifest, files } of packed) {
      for (const required of ['LICENSE', 'README.md', 'package.json']) {
        assert.ok(files.includes(required), `${manifest.name} ships ${required}`);
      }
      assert.deepEqual(
        files.filter((f) =>
          /\.test\.|(^|\/)(examples|test-support|test-utils)\/|tsbuildinfo/.test(f),
        ),
        [],
        `${manifest.name} ships no test, example or test-support file`,
      );
    }
  });

  it('ship the sources of every source map they ship', () => {
    for (const { manifest, files, unpacked } of packed) {
      for (const map of files.filter((f) => f.endsWith('.map'))) {
        const { sources } = JSON.parse(readFileSync(join(unpacked, map), 'utf8')) as {
          sources: string[];
        };
        for (const source of sources) {
          assert.ok(
            existsSync(join(unpacked, map, '..', source)),
            `${manifest.name} ${map}: ${source}`,
          );
        }
      }
    }
  });

  it('have an exports map (types, require, import) whose files are in the tarball', () => {
    for (const { manifest, files } of packed) {
      const entries = Object.entries(manifest.exports ?? {});
      assert.ok(
        entries.some(([key]) => key === '.'),
        `${manifest.name} exports "."`,
      );
      for (const [key, target] of entries) {
        if (typeof target === 'string') {
          assert.ok(files.includes(target.replace(/^\.\//, '')), `${manifest.name} ${key}`);
          continue;
        }
        assert.deepEqual(
          Object.keys(target).slice(0, 3),
          ['types', 'require', 'import'],
          `${manifest.name} ${key}`,
        );
        for (const file of Object.values(target)) {
          assert.ok(files.includes(file.replace(/^\.\//, '')), `${manifest.name} ${key}: ${file}`);
        }
      }
    }
  });

  it('say where they come from: license, repository with its directory, homepage, bugs', () => {
    for (const { directory, manifest, unpacked } of packed) {
      assert.equal(manifest.license, 'Apache-2.0', manifest.name);
      assert.match(
        readFileSync(join(unpacked, 'LICENSE'), 'utf8'),
        /Apache License\s+Version 2\.0/,
      );
      assert.match(manifest.repository?.url ?? '', /github\.com\/fanin-otel\/fanin/, manifest.name);
      assert.equal(manifest.repository?.directory, directory, manifest.name);
      assert.match(
        manifest.homepage ?? '',
        /^https:\/\/github\.com\/fanin-otel\/fanin/,
        manifest.name,
      );
      assert.match(
        manifest.bugs?.url ?? '',
        /^https:\/\/github\.com\/fanin-otel\/fanin\/issues/,
        manifest.name,
      );
    }
  });

  it('depend only on what their code requires, with the API and the instrumentation base as peers', () => {
    for (const { manifest, files, unpacked } of packed) {
      const read = (suffix: string) =>
        files
          .filter((f) => f.endsWith(suffix))
          .map((f) => readFileSync(join(unpacked, f), 'utf8'))
          .join('\n');
      const code = read('.js');
      // A dependency only the declarations import (types of the public API) is one too.
      const declarations = read('.d.ts');
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        assert.ok(
          code.includes(`require("${dependency}`) || declarations.includes(`from '${dependency}`),
          `${manifest.name} uses its dependency ${dependency}`,
        );
      }
      for (const peer of ['@opentelemetry/api', '@opentelemetry/instrumentation']) {
        if (!code.includes(`require("${peer}`)) continue;
        assert.ok(
          manifest.peerDependencies?.[peer],
          `${manifest.name}: ${peer} is a peer dependency`,
        );
        assert.equal(
          manifest.dependencies?.[peer],
          undefined,
          `${manifest.name}: ${peer} is not a dependency`,
        );
      }
    }
  });
});

interface Line {
  label: string;
  api: string;
  /** The README install lines that line runs, each `[script, which npm install line]`. */
  installs: [string, number][];
  /** The public packages this line does not install, and why. Every other one it installs. */
  without: { name: string; why: string }[];
  /** The README examples that print their spans, run as they are (CommonJS). */
  printing: { file: string; consumer: RegExp; links: number }[];
  /** README examples beside other tools, type-checked with them installed (repository versions). */
  beside: { files: string[]; libraries: string[] };
}

const LINES: Line[] = [
  {
    label: 'SDK 2.x line (API 1.9)',
    api: '1.9.1',
    installs: [
      ['examples/readme/install.sh', 0],
      ['examples/readme/kafkajs/install.sh', 0],
      ['examples/readme/amqplib/install.sh', 0],
      ['examples/readme/core/install.sh', 0],
      ['examples/readme/register/install.sh', 0],
      ['examples/readme/confluent-kafka/install.sh', 0],
    ],
    without: [],
    printing: [
      {
        file: 'examples/readme/kafkajs/example.js',
        consumer: /^process fanin-example-/,
        links: 3,
      },
      {
        file: 'examples/readme/amqplib/example.js',
        consumer: /^process fanin-example-/,
        links: 30,
      },
    ],
    beside: {
      files: ['examples/readme/auto-instrumentations.ts', 'examples/readme/dd-trace.ts'],
      libraries: ['@opentelemetry/auto-instrumentations-node', 'dd-trace'],
    },
  },
  {
    label: 'SDK 3.x line (API 1.10)',
    api: '1.10.0',
    installs: [
      ['examples/readme/install.sh', 1],
      ['examples/readme/confluent-kafka/install.sh', 1],
    ],
    without: [
      {
        name: '@fanin/register',
        why: 'it starts @opentelemetry/sdk-node 0.223 (SDK 2.x), whose API peer is >=1.9.0 <1.10.0',
      },
    ],
    printing: [],
    beside: { files: [], libraries: [] },
  },
];

/**
 * Not installed into any app: Confluent's native client, whose install script
 * downloads (or builds) its addon, which cannot be done offline. It is an
 * optional peer of its adapter, which loads without it (it patches the client
 * when the client is loaded); the apps type-check the adapter against the
 * client's own declarations, the repository's copy (`CLIENT_TYPES`), not a stand-in.
 */
const NATIVE_CLIENT = '@confluentinc/kafka-javascript';
const CLIENT_TYPES = { [NATIVE_CLIENT]: [join(repositoryRoot, 'node_modules', NATIVE_CLIENT)] };

for (const line of LINES) {
  describe(`an application on the ${line.label}`, () => {
    let app: UserApp;
    /** The public packages this line installs: all of them but those it says it does not. */
    const installed = () =>
      packed
        .map((p) => p.manifest.name)
        .filter((name) => !line.without.some((w) => w.name === name));

    before(async () => {
      app = createApp(work, `app-api-${line.api}`, 'commonjs');
      for (const [script, index] of line.installs) {
        const specs = installLines(script)[index];
        assert.ok(specs, `${script} has install line ${index + 1}`);
        await npmInstall(
          app,
          specs.filter((spec) => !spec.startsWith(`${NATIVE_CLIENT}@`)),
          packed,
        );
      }
      await npmInstall(
        app,
        [...LIBRARIES, ...line.beside.libraries.map(repositoryVersion)],
        packed,
      );
      console.log(`${line.label}:\n  ${app.installs.join('\n  ')}`);
      copyIntoApp(app, WORKLOAD, 'workload.ts');
      copyIntoApp(app, WORKLOAD, 'workload.mts');
      copyIntoApp(app, 'examples/readme/register.ts', 'register.ts');
      copyIntoApp(app, 'examples/readme/kafkajs/register.ts', 'kafkajs-register.ts');
      copyIntoApp(app, 'examples/readme/otel.mjs', 'otel.mjs');
      for (const file of line.beside.files) copyIntoApp(app, file, file.replace(/\//g, '-'));
      for (const { file } of line.printing) copyIntoApp(app, file, file.replace(/\//g, '-'));
      writeFileSync(
        join(app.dir, 'entry-points.ts'),
        entryPoints(installed())
          .map((specifier, index) => `export * as entry${index} from '${specifier}';\n`)
          .join(''),
      );
    });

    it(`installs every public package but ${line.without.map((w) => w.name).join(', ') || 'none'}`, () => {
      for (const name of installed()) {
        assert.ok(existsSync(join(app.dir, 'node_modules', name, 'package.json')), name);
      }
      for (const { name, why } of line.without) {
        assert.ok(!existsSync(join(app.dir, 'node_modules', name)), `${name} is not: ${why}`);
      }
      assert.ok(!existsSync(join(app.dir, 'node_modules', NATIVE_CLIENT)), NATIVE_CLIENT);
    });

    it('loads every entry point of the packages it installs with require() and import(), the same names', async () => {
      // @fanin/register starts the SDK when loaded: with nothing to export to, the
      // process must still end by itself, exit 0, its SDK shut down at beforeExit.
      const result = await runNode(app, ['--input-type=module', '-e', LOAD_BOTH_WAYS], {
        ENTRY_POINTS: JSON.stringify(entryPoints(installed())),
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      });
      assert.equal(result.code, 0, result.stderr);
      const names = JSON.parse(result.stdout) as Record<
        string,
        { required: string[]; imported: string[] }
      >;
      assert.deepEqual(Object.keys(names), entryPoints(installed()));
      for (const [specifier, { required, imported }] of Object.entries(names)) {
        assert.ok(required.length > 0, `${specifier} exports names`);
        assert.deepEqual(imported, required, `${specifier}: import() gives what require() gives`);
      }
    });

    it(`holds one copy of @opentelemetry/api (${line.api}) and of @opentelemetry/instrumentation`, async () => {
      const api = await copiesOf(app, '@opentelemetry/api');
      assert.equal(api.length, 1, `one API: ${api.join(', ')}`);
      const installed = JSON.parse(
        readFileSync(join(api[0] ?? '', 'package.json'), 'utf8'),
      ).version;
      assert.equal(installed, line.api);
      const instrumentation = await copiesOf(app, '@opentelemetry/instrumentation');
      assert.equal(instrumentation.length, 1, `one instrumentation: ${instrumentation.join(', ')}`);
    });

    it('type-checks with tsc, strict, NodeNext resolution (CommonJS and ES module)', async () => {
      await typecheck(app, 'nodenext', CLIENT_TYPES, [
        'workload.ts',
        'workload.mts',
        'register.ts',
        'kafkajs-register.ts',
        'entry-points.ts',
        ...line.beside.files.map((file) => file.replace(/\//g, '-')),
      ]);
    });

    it('type-checks with tsc, strict, Bundler resolution', async () => {
      await typecheck(app, 'bundler', CLIENT_TYPES, [
        'workload.ts',
        'register.ts',
        'kafkajs-register.ts',
        'entry-points.ts',
        ...line.beside.files.map((file) => file.replace(/\//g, '-')),
      ]);
    });

    for (const [format, entry] of [
      ['an ES module', 'build/workload.mjs'],
      ['CommonJS', 'build/workload.js'],
    ] as const) {
      it(`runs as ${format} under the README's otel.mjs: fan-in spans with links arrive over OTLP`, async () => {
        const receiver = await startFakeOtlpReceiver();
        try {
          const result = await runNode(app, ['--import', './otel.mjs', entry], {
            ...brokersEnv(),
            OTEL_SERVICE_NAME: `packaging-${line.api}`,
            OTEL_TRACES_EXPORTER: 'otlp',
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl,
            OTEL_METRICS_EXPORTER: 'none',
            OTEL_LOGS_EXPORTER: 'none',
            OTEL_BSP_SCHEDULE_DELAY: '100',
          });
          assert.equal(result.code, 0, `exit 0\n${result.stdout}\n${result.stderr}`);
          const sent = sentByWorkload(result.stdout);
          assertFanIn(receiver.spans, sent.kafka.topic, sent.kafka.traces);
          assertFanIn(receiver.spans, sent.rabbitmq.queue, sent.rabbitmq.traces);
          console.log(
            `${line.label}, ${format}: ${receiver.spans.length} spans received, ` +
              `Kafka ${sent.kafka.traces.length} and RabbitMQ ${sent.rabbitmq.traces.length} producers linked`,
          );
        } finally {
          await receiver.close();
        }
      });
    }

    it("runs with the README's register snippet preloaded (no SDK): the application works unchanged", async () => {
      const result = await runNode(
        app,
        ['--require', './build/register.js', 'build/workload.js'],
        brokersEnv(),
      );
      assert.equal(result.code, 0, `exit 0\n${result.stdout}\n${result.stderr}`);
      const sent = sentByWorkload(result.stdout);
      assert.equal(sent.kafka.traces.length + sent.rabbitmq.traces.length, 12);
    });

    for (const example of line.printing) {
      it(`runs ${example.file} as it is: one CONSUMER span per batch, ${example.links} links in all`, async () => {
        const result = await runNode(app, [example.file.replace(/\//g, '-')], brokersEnv());
        assert.equal(result.code, 0, `exit 0\n${result.stdout}\n${result.stderr}`);
        const consumers = printedSpans(result.stdout).filter(
          (span) => span.kind === 'CONSUMER' && example.consumer.test(span.name),
        );
        assert.ok(consumers.length > 0, `a CONSUMER span printed:\n${result.stdout}`);
        assert.equal(
          consumers.reduce((sum, span) => sum + span.links, 0),
          example.links,
          result.stdout,
        );
        console.log(
          `${example.file}: ${consumers.map((s) => `${s.name} links=${s.links}`).join('; ')}`,
        );
      });
    }
  });
}
