// OTEL_SDK_DISABLED=true in an application that starts the SDK itself
// (`new NodeSDK({ instrumentations: [fanin's] }).start()`, which then starts
// nothing): fanin's spans are no-ops because the user asked for that, so fanin
// does not report FANIN_NO_TRACER_PROVIDER. Beside it, the same application
// with no SDK at all, which does get the warning.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeRun, faninWarningEvents, printedFaninWarnings } from '../setups/expect';
import { runSetup, type SetupRun } from '../setups/run-setup';
import type { Scenario } from '../setups/scenario';

const SCENARIO: Scenario = {
  library: 'amqplib',
  consumer: 'consumeBatch',
  sdk: 'NodeSDK',
  instrumentations: ['fanin'],
  traces: 5,
  messagesPerTrace: 4,
};
const SENT = SCENARIO.traces * SCENARIO.messagesPerTrace;

describe('OTEL_SDK_DISABLED=true with NodeSDK and fanin, amqplib consumeBatch', () => {
  let disabled: SetupRun;
  let noSdk: SetupRun;

  before(async () => {
    disabled = await runSetup(SCENARIO, { env: { OTEL_SDK_DISABLED: 'true' } });
    noSdk = await runSetup({ ...SCENARIO, sdk: 'none' });
  });

  it('consumes every message and prints no FaninWarning', () => {
    assert.equal(disabled.result.consumed, SENT, describeRun(disabled));
    assert.equal(disabled.result.fanin.processSpans, 0, 'nothing is recorded');
    assert.deepEqual(printedFaninWarnings(disabled), [], disabled.stderr);
    assert.deepEqual(faninWarningEvents(disabled), []);
  });

  it('while without any SDK (and without OTEL_SDK_DISABLED) FANIN_NO_TRACER_PROVIDER is printed', () => {
    assert.equal(noSdk.result.consumed, SENT, describeRun(noSdk));
    assert.deepEqual(
      printedFaninWarnings(noSdk).map((warning) => warning.code),
      ['FANIN_NO_TRACER_PROVIDER'],
      noSdk.stderr,
    );
  });
});
