// Two instances of the instrumentation, and enable/disable/enable: each
// instance records only through its own wrappers, and disabling one never
// turns another off or leaves a double wrapper behind.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { KafkaApiHarness } from './harness';
import {
  batchPayload,
  loadThroughHook,
  messagesFromDistinctProducers,
  tracedEachBatch,
} from './support';

installTestTracing();

/** The instances cases, against one adapter. */
export function instancesTests(harness: KafkaApiHarness): void {
  function recordingInstance() {
    const exporter = new InMemorySpanExporter();
    const instrumentation = harness.create();
    instrumentation.setTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const batchSpans = () =>
      exporter.getFinishedSpans().filter((span) => span.name === 'process orders').length;
    return { instrumentation, exporter, batchSpans };
  }

  const { prototype } = harness;
  const originals = { consumer: prototype.consumer, producer: prototype.producer };

  /** What the require hook of each instance does when the application requires the library. */
  function load(...instances: InstrumentationBase[]) {
    for (const instance of instances) loadThroughHook(harness, instance);
  }

  async function oneBatch() {
    const traced = await tracedEachBatch(harness, harness.client(), async () => {});
    await traced(batchPayload(messagesFromDistinctProducers(3)));
  }

  describe(`two ${harness.library} instrumentation instances`, () => {
    beforeEach(() => {
      prototype.consumer = originals.consumer;
      prototype.producer = originals.producer;
    });

    it('both record while both are enabled, each once', async () => {
      const first = recordingInstance();
      const second = recordingInstance();
      load(first.instrumentation, second.instrumentation);
      await oneBatch();
      assert.deepEqual([first.batchSpans(), second.batchSpans()], [1, 1]);
      first.instrumentation.disable();
      second.instrumentation.disable();
    });

    it("disabling the second leaves the first recording (the first's wrapper stays)", async () => {
      const first = recordingInstance();
      const second = recordingInstance();
      load(first.instrumentation, second.instrumentation);
      second.instrumentation.disable();
      assert.equal(first.instrumentation.isEnabled(), true);
      await oneBatch();
      assert.deepEqual([first.batchSpans(), second.batchSpans()], [1, 0]);
      first.instrumentation.disable();
      assert.equal(prototype.consumer, originals.consumer, 'the original is back');
      assert.equal(prototype.producer, originals.producer, 'the original is back');
    });

    it('disabling the first, whose wrapper is inside the second, leaves the second recording', async () => {
      const first = recordingInstance();
      const second = recordingInstance();
      load(first.instrumentation, second.instrumentation);
      first.instrumentation.disable();
      await oneBatch();
      assert.deepEqual([first.batchSpans(), second.batchSpans()], [0, 1]);
      second.instrumentation.disable();
    });

    it('enable, disable, enable: one span per batch, never two from one instance', async () => {
      const first = recordingInstance();
      const second = recordingInstance();
      load(first.instrumentation, second.instrumentation);
      for (let round = 0; round < 3; round++) {
        first.instrumentation.disable();
        first.instrumentation.enable();
        second.instrumentation.disable();
        second.instrumentation.enable();
      }
      await oneBatch();
      assert.deepEqual([first.batchSpans(), second.batchSpans()], [1, 1]);
      first.instrumentation.disable();
      second.instrumentation.disable();
      assert.equal(prototype.consumer, originals.consumer);
    });

    it("a handler traced by a disabled instance runs untraced, the other's spans go on", async () => {
      const first = recordingInstance();
      const second = recordingInstance();
      load(first.instrumentation, second.instrumentation);
      const traced = await tracedEachBatch(harness, harness.client(), async () => {});
      second.instrumentation.disable();
      await traced(batchPayload(messagesFromDistinctProducers(2)));
      assert.deepEqual([first.batchSpans(), second.batchSpans()], [1, 0]);
      first.instrumentation.disable();
    });
  });
}
