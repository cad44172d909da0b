// amqplib handlers and hooks that throw or reject any value, over a real
// RabbitMQ, each scenario run with fanin disabled and then enabled: the same
// value reaches the library (or consumeBatch's onError, and the process's
// unhandledRejection for a consume callback whose promise amqplib ignores),
// the same redeliveries, ERROR spans, nothing left open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { amqplibMajors, connect, deleteQueue, uniqueQueue, waitFor } from '../amqplib-fixture';
import { amqplibInstrumentation, tracing } from '../tracing';
import { EscapeWatch, printFigures } from './invariants';
import { installAmqplibSeam } from './seams';
import { failWith, type Style, thrownValues } from './thrown-values';

const [copy] = amqplibMajors();
if (copy === undefined) throw new Error('no amqplib copy');
const indexOf = (message: ConsumeMessage) => Number(String(message.properties.messageId).slice(1));

interface Fault {
  style: Style;
  value: unknown;
}

interface Run {
  /** Deliveries of each message, by index. */
  deliveries: number[];
  thrown: unknown[];
  /** What reached the library's side: onError (consumeBatch), or the consume callback's rejection. */
  received: unknown[];
  errorSpans: number;
  started: number;
  ended: number;
  open: number;
  escaped: unknown[];
}

type Consumer = 'consumeBatch' | 'consume';

let connection: ChannelModel;
let rejected: unknown[] = [];
let restoreSeam = () => {};
before(async () => {
  restoreSeam = installAmqplibSeam(copy.root, { handlerRejected: (error) => rejected.push(error) });
  connection = await connect(copy);
});
after(async () => {
  await connection.close();
  restoreSeam();
});

async function publish(queue: string, count: number): Promise<void> {
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: false });
  for (let i = 0; i < count; i++)
    channel.sendToQueue(queue, Buffer.from(`m${i}`), { messageId: `m${i}` });
  await channel.waitForConfirms();
  await channel.close();
}

/**
 * Each message fails on its first delivery with its fault and is requeued
 * (consumeBatch nacks a failed batch; the consume callback nacks before it
 * rejects), then passes.
 */
async function runScenario(
  consumer: Consumer,
  instrumented: boolean,
  faults: Fault[],
): Promise<Run> {
  const queue = uniqueQueue(`faults-${consumer}`);
  await publish(queue, faults.length);
  tracing.reset();
  const escapes = new EscapeWatch().start();
  const run: Run = {
    deliveries: faults.map(() => 0),
    thrown: [],
    received: [],
    errorSpans: 0,
    started: 0,
    ended: 0,
    open: 0,
    escaped: escapes.escaped,
  };
  let handled = 0;
  if (!instrumented) amqplibInstrumentation.disable();
  const channel = await connection.createChannel();
  try {
    const firstDelivery = (message: ConsumeMessage): Fault | undefined => {
      const index = indexOf(message);
      run.deliveries[index] = (run.deliveries[index] ?? 0) + 1;
      const fault = faults[index];
      if (fault === undefined || run.deliveries[index] !== 1) {
        handled++;
        return undefined;
      }
      run.thrown.push(fault.value);
      return fault;
    };
    if (consumer === 'consumeBatch') {
      const batches = await consumeBatch(
        channel,
        queue,
        { maxMessages: 1, maxWaitMs: 10, onError: (error) => run.received.push(error) },
        (messages: ConsumeMessage[]) => {
          const fault = firstDelivery(messages[0] as ConsumeMessage);
          return fault ? failWith(fault.style, fault.value) : undefined;
        },
      );
      await waitFor(() => handled === faults.length, 'every message handled');
      await batches.cancel();
    } else {
      await channel.prefetch(1);
      await channel.consume(queue, (message) => {
        if (message === null) return;
        const fault = firstDelivery(message);
        if (!fault) return channel.ack(message);
        channel.nack(message, false, true);
        return failWith('rejects', fault.value);
      });
      rejected = run.received;
      await waitFor(() => handled === faults.length, 'every message handled');
    }
  } finally {
    await channel.close();
    if (!instrumented) amqplibInstrumentation.enable();
    escapes.stop();
    await deleteQueue(connection, queue);
  }
  const spans = tracing.spans().filter((span) => span.name === `process ${queue}`);
  run.errorSpans = spans.filter((span) => span.status.code === SpanStatusCode.ERROR).length;
  run.started = tracing.startedCount();
  run.ended = tracing.spans().length;
  run.open = tracing.openSpans().length;
  return run;
}

const faultsFor = (consumer: Consumer): Fault[] =>
  (consumer === 'consume' ? (['rejects'] as Style[]) : (['throws', 'rejects'] as Style[])).flatMap(
    (style) => thrownValues().map(([, value]) => ({ style, value })),
  );

describe(`${copy.label} handlers that throw or reject any value, with fanin disabled and enabled`, () => {
  const figures: Record<string, number> = {};
  after(() => printFigures('amqplib handler faults', figures));

  for (const consumer of ['consumeBatch', 'consume'] as const) {
    it(`${consumer}: the same values back, the same redeliveries, ERROR spans, nothing left open`, async () => {
      assert.equal(amqplibInstrumentation.isEnabled(), true);
      const faults = faultsFor(consumer);
      const without = await runScenario(consumer, false, faults);
      const withFanin = await runScenario(consumer, true, faults);
      const same = withFanin.thrown.filter((value, i) =>
        Object.is(value, withFanin.received[i]),
      ).length;
      const sameWithout = without.thrown.filter((value, i) =>
        Object.is(value, without.received[i]),
      ).length;
      Object.assign(figures, {
        [`${consumer}: thrown or rejected values`]: withFanin.thrown.length,
        [`${consumer}: deliveries without fanin`]: without.deliveries.reduce((a, b) => a + b, 0),
        [`${consumer}: deliveries with fanin`]: withFanin.deliveries.reduce((a, b) => a + b, 0),
        [`${consumer}: same value back without fanin`]: sameWithout,
        [`${consumer}: same value back with fanin`]: same,
        [`${consumer}: ERROR spans`]: withFanin.errorSpans,
        [`${consumer}: spans left open`]: withFanin.open,
        [`${consumer}: other unhandled errors`]: without.escaped.length + withFanin.escaped.length,
      });
      assert.deepEqual(withFanin.deliveries, without.deliveries, 'redeliveries as without fanin');
      assert.ok(
        without.deliveries.every((n) => n === 2),
        'each message failed once, then passed',
      );
      assert.equal(without.received.length, without.thrown.length);
      assert.equal(withFanin.received.length, withFanin.thrown.length);
      assert.equal(sameWithout, without.thrown.length);
      assert.equal(same, withFanin.thrown.length, 'every thrown value came back unchanged');
      assert.equal(withFanin.errorSpans, withFanin.thrown.length, 'one ERROR span per failure');
      assert.equal(withFanin.open, 0, 'spans left open');
      assert.equal(withFanin.started, withFanin.ended);
      assert.deepEqual([...without.escaped, ...withFanin.escaped], []);
    });
  }

  it('consume and batch hooks that throw or reject: every message handled once, no unhandled rejection, every span ended', async () => {
    const faults = faultsFor('consumeBatch');
    let calls = 0;
    const hook = () => {
      const fault = faults[calls++ % faults.length] as Fault;
      return failWith(fault.style, fault.value) as undefined;
    };
    const queues = [
      uniqueQueue('faults-hooks-consume'),
      uniqueQueue('faults-hooks-batch'),
    ] as const;
    const count = 40;
    for (const queue of queues) await publish(queue, count);
    tracing.reset();
    const escapes = new EscapeWatch().start();
    amqplibInstrumentation.setConfig({ consumeHook: hook, consumeEndHook: hook, batchHook: hook });
    const handled = new Map<string, number>();
    const note = (message: ConsumeMessage) => {
      const key = `${message.fields.routingKey}/${message.properties.messageId}`;
      handled.set(key, (handled.get(key) ?? 0) + 1);
    };
    const channel = await connection.createChannel();
    const batchChannel = await connection.createChannel();
    try {
      await channel.consume(queues[0], (message) => {
        if (message === null) return;
        note(message);
        channel.ack(message);
      });
      const batches = await consumeBatch(
        batchChannel,
        queues[1],
        { maxMessages: 7, maxWaitMs: 20 },
        (messages) => {
          messages.forEach(note);
        },
      );
      await waitFor(() => handled.size === 2 * count, 'every message handled');
      await batches.cancel();
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      amqplibInstrumentation.setConfig({});
      await channel.close();
      await batchChannel.close();
      escapes.stop();
      for (const queue of queues) await deleteQueue(connection, queue);
    }
    Object.assign(figures, {
      'hooks: calls that threw or rejected': calls,
      'hooks: messages handled': handled.size,
      'hooks: handled more than once': [...handled.values()].filter((n) => n > 1).length,
      'hooks: spans left open': tracing.openSpans().length,
      'hooks: unhandled rejections/exceptions': escapes.escaped.length,
    });
    assert.ok(calls >= 2 * count, 'the hooks ran');
    assert.ok(
      [...handled.values()].every((n) => n === 1),
      'no message handled twice',
    );
    assert.equal(tracing.openSpans().length, 0, 'spans left open');
    assert.equal(tracing.startedCount(), tracing.spans().length);
    assert.deepEqual(escapes.escaped, []);
  });
});
