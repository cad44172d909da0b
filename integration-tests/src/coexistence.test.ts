// fanin beside the real @opentelemetry/auto-instrumentations-node (0.81.2,
// with the official instrumentation-kafkajs 0.32 and -amqplib 0.70), each
// setup in its own clean child process against the real brokers. Where both
// instrumentations of a library are on, fanin must keep its own spans and say
// so, once per library; where the official ones are turned off (the
// recommended setup, by config or by OTEL_NODE_DISABLED_INSTRUMENTATIONS,
// which getNodeAutoInstrumentations() itself reads), it must say nothing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeRun, faninWarningEvents, printedFaninWarnings } from './setups/expect';
import { runSetup, type SetupRun } from './setups/run-setup';
import type {
  AutoConfig,
  ConsumerKind,
  InstrumentationSet,
  Library,
  Scenario,
  SdkSetup,
} from './setups/scenario';

const SIZE = { traces: 20, messagesPerTrace: 2 };
const SENT = SIZE.traces * SIZE.messagesPerTrace;
const OFFICIAL = [
  '@opentelemetry/instrumentation-amqplib',
  '@opentelemetry/instrumentation-kafkajs',
];

interface Consumer {
  library: Library;
  consumer: ConsumerKind;
}

const CONSUMERS: Consumer[] = [
  { library: 'kafkajs', consumer: 'eachBatch' },
  { library: 'amqplib', consumer: 'consumeBatch' },
  { library: 'amqplib', consumer: 'consume' },
];

interface Setup {
  name: string;
  instrumentations: InstrumentationSet[];
  sdk: SdkSetup;
  autoConfig?: AutoConfig;
  env?: Record<string, string>;
  /** Both instrumentations of each library are on: fanin reports the conflict. */
  conflict: boolean;
  /** kafkajs clients made at the top of the module (the default), or in an async start-up. */
  kafkaClientsAtLoad?: boolean;
}

const SETUPS: Setup[] = [
  {
    name: 'a. getNodeAutoInstrumentations() with everything on, then fanin (registerInstrumentations)',
    instrumentations: ['auto', 'fanin'],
    sdk: 'registerInstrumentations',
    conflict: true,
  },
  {
    name: 'b. fanin, then getNodeAutoInstrumentations() with everything on (NodeSDK)',
    instrumentations: ['fanin', 'auto'],
    sdk: 'NodeSDK',
    conflict: true,
  },
  {
    name: 'c. recommended: getNodeAutoInstrumentations() with the official kafkajs and amqplib instrumentations disabled, plus fanin (NodeSDK)',
    instrumentations: ['auto', 'fanin'],
    sdk: 'NodeSDK',
    autoConfig: 'kafkajs-and-amqplib-disabled',
    conflict: false,
  },
  {
    name: 'd. OTEL_NODE_DISABLED_INSTRUMENTATIONS=kafkajs,amqplib read by getNodeAutoInstrumentations(), plus fanin (registerInstrumentations)',
    instrumentations: ['auto', 'fanin'],
    sdk: 'registerInstrumentations',
    env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'kafkajs,amqplib' },
    conflict: false,
  },
];

/** Each setup with each consumer; setup b once more with kafkajs clients made after start-up. */
const CASES: { setup: Setup; consumer: Consumer }[] = [
  ...SETUPS.flatMap((setup) => CONSUMERS.map((consumer) => ({ setup, consumer }))),
  {
    setup: {
      ...(SETUPS[1] as Setup),
      name: `${SETUPS[1]?.name}, kafkajs clients made in an async start-up`,
      kafkaClientsAtLoad: false,
    },
    consumer: { library: 'kafkajs', consumer: 'eachBatch' },
  },
];

function scenarioOf(setup: Setup, consumer: Consumer): Scenario {
  return {
    ...consumer,
    sdk: setup.sdk,
    instrumentations: setup.instrumentations,
    ...(setup.autoConfig ? { autoConfig: setup.autoConfig } : {}),
    clientsAtLoad: setup.kafkaClientsAtLoad ?? true,
    ...SIZE,
  };
}

for (const { setup, consumer } of CASES) {
  describe(`coexistence ${setup.name}: ${consumer.library} ${consumer.consumer}`, () => {
    let run: SetupRun;

    before(async () => {
      run = await runSetup(scenarioOf(setup, consumer), setup.env ? { env: setup.env } : {});
    });

    it('sent and consumed every message', () => {
      assert.equal(run.result.sent, SENT);
      assert.equal(run.result.consumed, SENT, describeRun(run));
      assert.equal(run.result.producers, SENT, 'each message names its own producer');
    });

    it("records fanin's consumer spans, every producer reachable from them", (t) => {
      t.diagnostic(`fanin ${JSON.stringify(run.result.fanin)} (${run.durationMs} ms)`);
      const { fanin } = run.result;
      assert.equal(fanin.reachableProducers, SENT, describeRun(run));
      if (consumer.consumer === 'consume') {
        assert.equal(fanin.processSpans, SENT, 'one process span per delivery');
      } else {
        assert.ok(fanin.processSpans > 0 && fanin.processSpans < SENT, 'batch spans');
        assert.equal(fanin.batchMessageCount, SENT);
      }
    });

    it('leaves fanin wrapping every function it patches', () => {
      for (const [name, owner] of Object.entries(run.result.wrappers)) {
        assert.equal(owner, 'fanin', `${name} at the end of the run`);
      }
    });

    // With fanin enabled first, the official instrumentation wraps fanin's wrapper
    // during the same require; fanin takes that wrapper off in the next turn of the
    // event loop. Clients made before then (at load) go through both.
    const madeBeforeTheCheck =
      setup.name.startsWith('b.') &&
      consumer.library === 'kafkajs' &&
      setup.kafkaClientsAtLoad !== false;
    it(
      madeBeforeTheCheck
        ? 'has official spans only for the clients made before fanin took its wrapper off'
        : 'has no spans of the official kafkajs or amqplib instrumentation',
      (t) => {
        t.diagnostic(`official spans ${JSON.stringify(run.result.officialSpans)}`);
        if (!madeBeforeTheCheck) assert.deepEqual(run.result.officialSpans, {}, describeRun(run));
        else assert.ok(Object.keys(run.result.officialSpans).length > 0, describeRun(run));
      },
    );

    if (setup.conflict) {
      it('really had the official instrumentations on', () => {
        assert.deepEqual([...run.result.autoMessagingInstrumentations].sort(), OFFICIAL);
      });

      it(`prints exactly one FANIN_WRAPPER_CONFLICT warning for ${consumer.library}, with the advice`, (t) => {
        const printed = printedFaninWarnings(run);
        for (const warning of printed) t.diagnostic(`[${warning.code}] ${warning.message}`);
        assert.equal(run.stderr.includes('[FANIN_WRAPPER_CONFLICT]'), true, run.stderr);
        assert.deepEqual(
          printed.map((warning) => warning.code),
          ['FANIN_WRAPPER_CONFLICT'],
          `one warning for ${consumer.library}, got ${printed.length}:\n${run.stderr}`,
        );
        const [warning] = printed;
        assert.ok(warning);
        assert.match(warning.message, new RegExp(`two instrumentations of ${consumer.library}`));
        assert.ok(
          warning.message.includes(
            `{ '@opentelemetry/instrumentation-${consumer.library}': { enabled: false } }`,
          ),
          warning.message,
        );
        assert.ok(
          warning.message.includes(`OTEL_NODE_DISABLED_INSTRUMENTATIONS=${consumer.library}`),
          warning.message,
        );
        assert.equal(faninWarningEvents(run).length, 1, 'one warning event');
      });
    } else {
      it('really had the official kafkajs and amqplib instrumentations off', () => {
        assert.deepEqual(run.result.autoMessagingInstrumentations, []);
      });

      it('prints no FaninWarning at all', () => {
        assert.deepEqual(printedFaninWarnings(run), [], run.stderr);
        assert.deepEqual(faninWarningEvents(run), []);
        assert.equal(run.stderr.includes('FANIN_'), false, run.stderr);
      });
    }
  });
}
