// kafkajs handlers and hooks that throw or reject any value, over a real
// broker. The same scenario runs with fanin disabled and enabled: kafkajs
// must get the very value the handler threw, retry exactly as often, and
// fanin must end every span it started, ERROR on every failed attempt.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { connectedProducer, createKafka, createTopic, uniqueName, waitFor } from '../kafka-fixture';
import { kafkaInstrumentation, tracing } from '../tracing';
import { EscapeWatch, printFigures } from './invariants';
import { installKafkaSeam } from './seams';
import { failWith, type Style, thrownValues } from './thrown-values';

const STYLES: Style[] = ['throws', 'rejects'];
const indexOf = (message: KafkaMessage) => Number(message.value?.toString().slice(1));

interface Run {
  /** Handler calls that saw each message, by message index. */
  attempts: number[];
  thrown: unknown[];
  reachedKafkajs: unknown[];
  crashes: number;
  escaped: unknown[];
  errorSpans: number;
  started: number;
  ended: number;
  open: number;
}

const kafka = createKafka('fanin-faults-handlers');
let reachedKafkajs: unknown[] = [];
let restoreSeam = () => {};
before(() => {
  restoreSeam = installKafkaSeam({ handlerThrew: (error) => reachedKafkajs.push(error) });
});
after(() => restoreSeam());

interface Fault {
  style: Style;
  value: unknown;
}

/**
 * One message per fault, on one partition. The eachBatch handler processes
 * its batch in order, resolving each offset, and fails on a message's first
 * delivery with that message's fault; kafkajs retries, or stops for good
 * (reading `.stack` of undefined or null fails inside kafkajs: a
 * non-retriable crash, with or without fanin).
 */
async function runScenario(instrumented: boolean, faults: Fault[]): Promise<Run> {
  const topic = uniqueName('fanin-faults-handler');
  await createTopic(kafka, topic, 1);
  const producer = await connectedProducer(kafka);
  await producer.send({ topic, messages: faults.map((_, i) => ({ value: `m${i}` })) });
  await producer.disconnect();

  tracing.reset();
  reachedKafkajs = [];
  const escapes = new EscapeWatch().start();
  const run: Run = {
    attempts: faults.map(() => 0),
    thrown: [],
    reachedKafkajs,
    crashes: 0,
    escaped: escapes.escaped,
    errorSpans: 0,
    started: 0,
    ended: 0,
    open: 0,
  };
  if (!instrumented) kafkaInstrumentation.disable();
  const consumer = kafka.consumer({
    groupId: uniqueName('fanin-faults-handler'),
    maxWaitTimeInMs: 50,
    retry: { initialRetryTime: 50, maxRetryTime: 200, retries: 10 },
  });
  if (!instrumented) kafkaInstrumentation.enable();
  let stopped = false;
  consumer.on(consumer.events.CRASH, (event) => {
    run.crashes++;
    if (!event.payload.restart) stopped = true;
  });
  let done = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: ({ batch, resolveOffset }: EachBatchPayload) => {
      for (const message of batch.messages) {
        const index = indexOf(message);
        const fault = faults[index];
        if (fault === undefined) continue;
        run.attempts[index] = (run.attempts[index] ?? 0) + 1;
        if (run.attempts[index] === 1) {
          run.thrown.push(fault.value);
          return failWith(fault.style, fault.value) as Promise<void>;
        }
        resolveOffset(message.offset);
        done = Math.max(done, index + 1);
      }
      return Promise.resolve();
    },
  });
  try {
    await waitFor(
      () => done === faults.length || stopped,
      'the messages handled, or kafkajs stopped',
      90_000,
    );
  } finally {
    await consumer.disconnect();
    escapes.stop();
  }
  const spans = tracing.spans().filter((span) => span.name === `process ${topic}`);
  run.errorSpans = spans.filter((span) => span.status.code === SpanStatusCode.ERROR).length;
  run.started = tracing.startedCount();
  run.ended = tracing.spans().length;
  run.open = tracing.openSpans().length;
  return run;
}

/** Rounds of faults: kafkajs survives the first; each of the others stops its consumer. */
function rounds(): Array<[string, Fault[]]> {
  const survivable = STYLES.flatMap((style) =>
    thrownValues()
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([, value]) => ({ style, value })),
  );
  const fatal = STYLES.flatMap((style) =>
    thrownValues()
      .filter(([, value]) => value === undefined || value === null)
      .map(([name, value]): [string, Fault[]] => [`${name}, ${style}`, [{ style, value }]]),
  );
  return [['Error, string, hostile getters, Proxy; thrown and rejected', survivable], ...fatal];
}

describe('kafkajs eachBatch handlers that throw or reject any value', () => {
  const totals = {
    thrown: 0,
    attemptsWithout: 0,
    attemptsWith: 0,
    same: 0,
    errorSpans: 0,
    started: 0,
    open: 0,
    escaped: 0,
    crashesWithout: 0,
    crashesWith: 0,
  };
  after(() =>
    printFigures('kafkajs handler faults', {
      'thrown or rejected values': totals.thrown,
      'handler calls without fanin': totals.attemptsWithout,
      'handler calls with fanin': totals.attemptsWith,
      'kafkajs crashes without fanin': totals.crashesWithout,
      'kafkajs crashes with fanin': totals.crashesWith,
      'same value reached kafkajs': totals.same,
      'ERROR spans': totals.errorSpans,
      'spans started': totals.started,
      'spans left open': totals.open,
      'unhandled rejections/exceptions': totals.escaped,
    }),
  );

  for (const [name, faults] of rounds()) {
    it(`${name}: the same values reach kafkajs, retries as without fanin, ERROR spans, nothing leaked`, async () => {
      assert.equal(kafkaInstrumentation.isEnabled(), true);
      const without = await runScenario(false, faults);
      const withFanin = await runScenario(true, faults);
      totals.thrown += withFanin.thrown.length;
      totals.attemptsWithout += without.attempts.reduce((a, b) => a + b, 0);
      totals.attemptsWith += withFanin.attempts.reduce((a, b) => a + b, 0);
      totals.crashesWithout += without.crashes;
      totals.crashesWith += withFanin.crashes;
      totals.same += withFanin.thrown.filter((v, i) =>
        Object.is(v, withFanin.reachedKafkajs[i]),
      ).length;
      totals.errorSpans += withFanin.errorSpans;
      totals.started += withFanin.started;
      totals.open += withFanin.open;
      totals.escaped += without.escaped.length + withFanin.escaped.length;
      assert.equal(without.started, 0, 'disabled, fanin records nothing');
      assert.deepEqual(withFanin.attempts, without.attempts, 'handler calls as without fanin');
      assert.equal(withFanin.crashes, without.crashes, 'kafkajs crashes as without fanin');
      assert.ok(without.thrown.length > 0);
      assert.equal(withFanin.reachedKafkajs.length, withFanin.thrown.length);
      withFanin.thrown.forEach((value, i) => {
        assert.ok(
          Object.is(withFanin.reachedKafkajs[i], value),
          `thrown value ${i} reached kafkajs unchanged`,
        );
      });
      assert.equal(withFanin.errorSpans, withFanin.thrown.length, 'one ERROR span per failed call');
      assert.equal(withFanin.open, 0, 'spans left open');
      assert.equal(withFanin.started, withFanin.ended);
      assert.deepEqual([...without.escaped, ...withFanin.escaped], []);
    });
  }
});

describe('kafkajs batch and message hooks that throw or reject any value', () => {
  it('cost nothing but the hook: every message handled once, no retry, every span ended, no unhandled rejection', async () => {
    const topic = uniqueName('fanin-faults-hooks');
    await createTopic(kafka, topic, 2);
    const count = 60;
    const producer = await connectedProducer(kafka);
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}` })),
    });
    await producer.disconnect();
    const faults = STYLES.flatMap((style) => thrownValues().map(([, value]) => ({ style, value })));
    let calls = 0;
    const hook = () => {
      const fault = faults[calls++ % faults.length] as (typeof faults)[number];
      return failWith(fault.style, fault.value) as undefined;
    };
    tracing.reset();
    const escapes = new EscapeWatch().start();
    kafkaInstrumentation.setConfig({ batchHook: hook, consumerHook: hook, perMessageSpans: true });
    const handled = new Map<number, number>();
    let crashes = 0;
    const consumer = kafka.consumer({
      groupId: uniqueName('fanin-faults-hooks'),
      maxWaitTimeInMs: 50,
    });
    consumer.on(consumer.events.CRASH, () => crashes++);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const index = indexOf(message);
            handled.set(index, (handled.get(index) ?? 0) + 1);
          }
        },
      });
      await waitFor(() => handled.size === count, `${count} messages handled`);
      // Rejections of async hooks surface a turn later.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await consumer.disconnect();
      kafkaInstrumentation.setConfig({});
      escapes.stop();
    }
    printFigures('kafkajs hook faults', {
      'hook calls that threw or rejected': calls,
      'messages handled': handled.size,
      'handled more than once': [...handled.values()].filter((n) => n > 1).length,
      'consumer crashes': crashes,
      'spans started': tracing.startedCount(),
      'spans left open': tracing.openSpans().length,
      'unhandled rejections/exceptions': escapes.escaped.length,
    });
    assert.ok(calls >= count, 'the hooks ran for every message');
    assert.ok(
      [...handled.values()].every((n) => n === 1),
      'no message handled twice',
    );
    assert.equal(crashes, 0);
    assert.equal(tracing.openSpans().length, 0, 'spans left open');
    assert.equal(tracing.startedCount(), tracing.spans().length);
    assert.deepEqual(escapes.escaped, []);
  });
});
