// Two instances of the instrumentation, and enable/disable/enable: each
// instance records only through its own wrappers and ends only its own
// spans; disabling one never turns another off.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, producerKeyOf, testTraceparent } from '@fanin/test-utils';
import { isWrapped } from '@opentelemetry/instrumentation';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { consumeBatch } from './helpers/consume-batch';
import { AmqplibInstrumentation } from './instrumentation';
import { amqplibByName, type ChannelClasses } from './test-support/amqplib-copies';
import { producerHeaders } from './test-support/fixtures';
import { SimulatedChannel } from './test-support/simulated-broker';

installTestTracing();

function recordingInstance() {
  const exporter = new InMemorySpanExporter();
  const instrumentation = new AmqplibInstrumentation();
  instrumentation.setTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  const named = (name: string) =>
    exporter.getFinishedSpans().filter((span) => span.name === name).length;
  return { instrumentation, exporter, named };
}

// Both constructed (and so enabled) before amqplib is required: both hooks patch it.
const first = recordingInstance();
const second = recordingInstance();
const copy = amqplibByName();

const PATCHED = ['publish', 'consume', 'ack', 'nack', 'reject', 'ackAll', 'nackAll', 'emit'];
function patchPoints(model: ChannelClasses): unknown[] {
  const channel = model.Channel.prototype as Record<string, unknown>;
  const confirm = model.ConfirmChannel.prototype as Record<string, unknown>;
  return [...PATCHED.map((name) => channel[name]), confirm.publish];
}
const allPatchPoints = () => [copy.channelModel, copy.callbackModel].flatMap(patchPoints);

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** One publish and one consumed, acked delivery on a fresh channel. */
async function publishAndConsume() {
  const sim = new SimulatedChannel(copy, 'promise');
  sim.channel.publish('', 'orders', Buffer.from('x'), {});
  await sim.consume('orders', () => {});
  sim.channel.ack(sim.deliver(1, 'orders', { headers: producerHeaders(1) }));
}

describe('two AmqplibInstrumentation instances', () => {
  it('both record while both are enabled, each once', async () => {
    await publishAndConsume();
    assert.deepEqual([first.named('publish orders'), second.named('publish orders')], [1, 1]);
    assert.deepEqual([first.named('process orders'), second.named('process orders')], [1, 1]);
  });

  it('disabling the second leaves every patch point of the first in place, and recording', async () => {
    first.exporter.reset();
    second.exporter.reset();
    second.instrumentation.disable();
    assert.equal(first.instrumentation.isEnabled(), true);
    const points = allPatchPoints();
    assert.equal(points.filter(isWrapped).length, points.length, 'all 18 still wrapped');
    await publishAndConsume();
    assert.deepEqual([first.named('publish orders'), second.named('publish orders')], [1, 0]);
    assert.deepEqual([first.named('process orders'), second.named('process orders')], [1, 0]);
  });

  it("disabling one never ends the other's pending deliveries", async () => {
    first.exporter.reset();
    second.instrumentation.enable();
    const sim = new SimulatedChannel(copy, 'promise');
    await sim.consume('orders', () => {});
    const message = sim.deliver(7, 'orders', { headers: producerHeaders(7) });
    second.instrumentation.disable();
    assert.equal(first.named('process orders'), 0, "the first's delivery span still waits");
    assert.equal(second.named('process orders'), 1, "the second's ended as disabled");
    sim.channel.ack(message);
    const [span] = first.exporter.getFinishedSpans().filter((s) => s.name === 'process orders');
    assert.equal(span?.attributes['fanin.settlement'], 'ack');
  });

  it('consumeBatch records with the first enabled instance intercepting its channel', async () => {
    first.exporter.reset();
    second.exporter.reset();
    second.instrumentation.enable();
    first.instrumentation.setConfig({ maxLinksPerSpan: 2 });
    const sim = new SimulatedChannel(copy, 'promise');
    await consumeBatch(sim.batchChannel, 'orders', { maxMessages: 3 }, () => {});
    for (const tag of [1, 2, 3]) sim.deliver(tag, 'orders', { headers: producerHeaders(tag) });
    await nextTurn();
    // The second's wrapper is outermost, so it offers first; the first then records
    // once the second is disabled, with its own config.
    assert.deepEqual([first.named('process orders'), second.named('process orders')], [0, 1]);
    second.instrumentation.disable();
    for (const tag of [4, 5, 6]) sim.deliver(tag, 'orders', { headers: producerHeaders(tag) });
    await nextTurn();
    const batches = first.exporter.getFinishedSpans().filter((s) => s.name === 'process orders');
    assert.equal(batches.length, 1);
    assert.equal(batches[0]?.links.length, 2, "the first's maxLinksPerSpan");
    assert.equal(
      producerKeyOf(testTraceparent(4)),
      `${batches[0]?.links[0]?.context.traceId}/${batches[0]?.links[0]?.context.spanId}`,
    );
    first.instrumentation.setConfig({});
  });

  it('enable, disable, enable: one span per publish per instance; all off restores the originals', async () => {
    second.instrumentation.enable();
    for (let round = 0; round < 3; round++) {
      first.instrumentation.disable();
      first.instrumentation.enable();
      second.instrumentation.disable();
      second.instrumentation.enable();
    }
    first.exporter.reset();
    second.exporter.reset();
    await publishAndConsume();
    assert.deepEqual([first.named('publish orders'), second.named('publish orders')], [1, 1]);
    first.instrumentation.disable();
    second.instrumentation.disable();
    const points = allPatchPoints();
    assert.equal(points.filter(isWrapped).length, 0, 'no wrapper left');
  });
});
