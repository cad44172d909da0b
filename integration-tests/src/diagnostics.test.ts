// Each setup in which fanin cannot record what it promises, in its own clean
// child process against the real brokers: the warning Node prints (its code,
// the words that say what is wrong and how to fix it), printed once however
// many messages go through; the switches that keep it off stderr (diag still
// gets it); and a correct setup, which prints nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { describeRun, faninWarningEvents, printedFaninWarnings } from './setups/expect';
import { runSetup, type SetupOptions, type SetupRun, setupModule } from './setups/run-setup';
import type { ConsumerKind, Library, Scenario } from './setups/scenario';

const SIZE = { traces: 20, messagesPerTrace: 5 };
const SENT = SIZE.traces * SIZE.messagesPerTrace;
const REPOSITORY = join(__dirname, '..', '..');

/** The names of this repository's packages (`@fanin/core`, ...). */
function workspacePackages(): Set<string> {
  const root = join(REPOSITORY, 'packages');
  return new Set(
    readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map(
        (entry) =>
          (
            JSON.parse(readFileSync(join(root, entry.name, 'package.json'), 'utf8')) as {
              name: string;
            }
          ).name,
      ),
  );
}

interface Condition {
  name: string;
  library: Library;
  consumer: ConsumerKind;
  scenario: Partial<Scenario>;
  options?: SetupOptions;
  /** The one warning printed, and words its message must have. */
  code: string;
  keywords: string[];
  /** fanin still links every producer (the clients made after enabling are traced). */
  faninRecords: boolean;
}

const fanin = (library: Library) => `@fanin/instrumentation-${library}`;

const CONDITIONS: Condition[] = [
  ...(['kafkajs', 'amqplib'] as const).map(
    (library): Condition => ({
      name: `no SDK started, ${library}`,
      library,
      consumer: library === 'kafkajs' ? 'eachBatch' : 'consumeBatch',
      scenario: { sdk: 'none', instrumentations: ['fanin'] },
      code: 'FANIN_NO_TRACER_PROVIDER',
      keywords: [
        'spans are no-ops',
        'no tracer provider is registered',
        'Start the OpenTelemetry SDK',
        'new NodeSDK',
      ],
      faninRecords: false,
    }),
  ),
  {
    name: "two API copies: the SDK registered through 1.9.1, fanin's packages resolving 1.10.0, amqplib",
    library: 'amqplib',
    consumer: 'consumeBatch',
    scenario: { sdk: 'registerInstrumentations', instrumentations: ['fanin'] },
    options: { preload: [setupModule('api-redirect')] },
    code: 'FANIN_API_MISMATCH',
    keywords: [
      'registered through @opentelemetry/api 1.9.1',
      'fanin loaded @opentelemetry/api 1.10.0',
      'no producer is linked',
      'npm ls @opentelemetry/api',
      '"overrides"',
    ],
    faninRecords: false,
  },
  {
    name: 'two API copies: the SDK registered through 1.9.1, fanin and @opentelemetry/instrumentation resolving 1.10.0, kafkajs',
    library: 'kafkajs',
    consumer: 'eachBatch',
    scenario: { sdk: 'registerInstrumentations', instrumentations: ['fanin'] },
    options: {
      preload: [setupModule('api-redirect')],
      env: { FANIN_API_REDIRECT: 'fanin+instrumentation' },
    },
    code: 'FANIN_API_MISMATCH',
    keywords: [
      'registered through @opentelemetry/api 1.9.1',
      'fanin loaded @opentelemetry/api 1.10.0',
      // Here fanin's tracer is refused too: nothing it records exists.
      'records no spans',
      'npm ls @opentelemetry/api',
      '"overrides"',
    ],
    faninRecords: false,
  },
  {
    name: 'kafkajs required before the instrumentation is constructed (NodeSDK)',
    library: 'kafkajs',
    consumer: 'eachBatch',
    scenario: { sdk: 'NodeSDK', instrumentations: ['fanin'], loadLibraryFirst: true },
    code: 'FANIN_LOADED_EARLY',
    keywords: [
      `kafkajs was loaded before ${fanin('kafkajs')} was enabled`,
      'is not traced',
      'Enable fanin before the application loads kafkajs',
    ],
    faninRecords: true,
  },
  {
    name: 'amqplib required before the instrumentation is constructed (registerInstrumentations)',
    library: 'amqplib',
    consumer: 'consumeBatch',
    scenario: {
      sdk: 'registerInstrumentations',
      instrumentations: ['fanin'],
      loadLibraryFirst: true,
    },
    code: 'FANIN_LOADED_EARLY',
    keywords: [
      `amqplib was loaded before ${fanin('amqplib')} was enabled`,
      'is not traced',
      'Enable fanin before the application loads amqplib',
    ],
    faninRecords: true,
  },
];

async function run(
  library: Library,
  consumer: ConsumerKind,
  scenario: Partial<Scenario>,
  options?: SetupOptions,
): Promise<SetupRun> {
  return runSetup(
    {
      library,
      consumer,
      sdk: 'registerInstrumentations',
      instrumentations: [],
      ...SIZE,
      ...scenario,
    },
    options,
  );
}

describe('the second API copy the mismatch scenarios load', () => {
  it('is @opentelemetry/api 1.10.0, not rewritten by the root overrides', () => {
    // dist/index.cjs -> the package root
    const root = join(dirname(require.resolve('otel-api-1-10')), '..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    assert.deepEqual([manifest.name, manifest.version], ['@opentelemetry/api', '1.10.0']);
    // build/src/index.js -> the package root
    const tree = join(dirname(require.resolve('@opentelemetry/api')), '..', '..');
    const api = JSON.parse(readFileSync(join(tree, 'package.json'), 'utf8')) as { version: string };
    assert.equal(api.version, '1.9.1', 'the tree keeps its one API');
  });
});

for (const condition of CONDITIONS) {
  describe(`diagnostics: ${condition.name}`, () => {
    let result: SetupRun;

    before(async () => {
      result = await run(
        condition.library,
        condition.consumer,
        condition.scenario,
        condition.options,
      );
    });

    it(`sent and consumed all ${SENT} messages`, (t) => {
      t.diagnostic(`fanin ${JSON.stringify(result.result.fanin)} (${result.durationMs} ms)`);
      assert.equal(result.result.consumed, SENT, describeRun(result));
    });

    it(`prints ${condition.code} once, saying what is wrong and how to fix it`, (t) => {
      const printed = printedFaninWarnings(result);
      for (const warning of printed) t.diagnostic(`[${warning.code}] ${warning.message}`);
      assert.deepEqual(
        printed.map((warning) => warning.code),
        [condition.code],
        result.stderr,
      );
      assert.equal(faninWarningEvents(result).length, 1, 'one warning event');
      const message = printed[0]?.message ?? '';
      const missing = condition.keywords.filter((keyword) => !message.includes(keyword));
      assert.deepEqual(missing, [], `missing from: ${message}`);
    });

    it('names only fixes that exist (packages of this repository)', () => {
      const packages = workspacePackages();
      for (const warning of printedFaninWarnings(result)) {
        for (const named of warning.message.match(/@fanin\/[a-z0-9-]+/g) ?? []) {
          assert.ok(packages.has(named), `${named}, named in ${warning.code}, is not a package`);
        }
      }
    });

    if (condition.faninRecords) {
      it('still links every producer of the clients made after enabling', () => {
        assert.equal(result.result.fanin.reachableProducers, SENT, describeRun(result));
        assert.ok(result.result.fanin.processSpans > 0);
      });
    }

    if (condition.code === 'FANIN_API_MISMATCH') {
      it('left the SDK on 1.9.1 (the application spans are recorded) and linked no producer', () => {
        assert.equal(result.result.spansByScope['fanin-setup-upstream'], SIZE.traces);
        assert.equal(result.result.fanin.reachableProducers, 0);
      });
    }
  });
}

const QUIET: {
  name: string;
  library: Library;
  consumer: ConsumerKind;
  scenario: Partial<Scenario>;
  env?: Record<string, string>;
}[] = [
  {
    name: 'FANIN_PROCESS_WARNINGS=false, amqplib',
    library: 'amqplib',
    consumer: 'consumeBatch',
    scenario: {},
    env: { FANIN_PROCESS_WARNINGS: 'false' },
  },
  {
    name: 'the processWarnings: false option, kafkajs',
    library: 'kafkajs',
    consumer: 'eachBatch',
    scenario: { processWarnings: false },
  },
];

for (const quiet of QUIET) {
  describe(`diagnostics: no SDK started, ${quiet.name}`, () => {
    let result: SetupRun;

    before(async () => {
      result = await run(
        quiet.library,
        quiet.consumer,
        { sdk: 'none', instrumentations: ['fanin'], diagLogger: true, ...quiet.scenario },
        quiet.env ? { env: quiet.env } : {},
      );
    });

    it('writes nothing to stderr and emits no process warning', () => {
      assert.equal(result.result.consumed, SENT, describeRun(result));
      assert.equal(result.stderr, '');
      assert.deepEqual(faninWarningEvents(result), []);
    });

    it('still gives the diag logger the warning, once', () => {
      const fromFanin = result.result.diagMessages.filter((message) =>
        message.startsWith('fanin:'),
      );
      assert.equal(fromFanin.length, 1, JSON.stringify(result.result.diagMessages));
      assert.match(fromFanin[0] ?? '', /no tracer provider is registered/);
    });
  });
}

const CORRECT: { library: Library; consumer: ConsumerKind; scenario: Partial<Scenario> }[] = [
  {
    library: 'kafkajs',
    consumer: 'eachBatch',
    scenario: { sdk: 'registerInstrumentations', instrumentations: ['fanin'], clientsAtLoad: true },
  },
  {
    library: 'amqplib',
    consumer: 'consume',
    scenario: { sdk: 'NodeSDK', instrumentations: ['fanin'] },
  },
];

for (const correct of CORRECT) {
  describe(`diagnostics: the correct setup (SDK, then fanin, then ${correct.library}), ${correct.consumer}`, () => {
    let result: SetupRun;

    before(async () => {
      result = await run(correct.library, correct.consumer, correct.scenario);
    });

    it('links every producer', () => {
      assert.equal(result.result.fanin.reachableProducers, SENT, describeRun(result));
    });

    it('prints no FaninWarning', () => {
      assert.deepEqual(printedFaninWarnings(result), [], result.stderr);
      assert.deepEqual(faninWarningEvents(result), []);
      assert.equal(result.stderr.includes('FANIN_'), false, result.stderr);
    });
  });
}
