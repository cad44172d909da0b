// The defects a hostile reading found, each with the case that showed it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import { SpanStatusCode } from '@opentelemetry/api';
import type { KafkaApiHarness } from './harness';
import {
  batchPayload,
  type FullMessage,
  instrumentFake,
  kafkaMessage,
  messagesFromDistinctProducers,
  type TestMessage,
  tracedEachBatch,
} from './support';

const tracing = installTestTracing();

/** The faults cases, against one adapter. */
export function faultTests(harness: KafkaApiHarness): void {
  const throwingHeaders = () =>
    Object.defineProperty({}, 'traceparent', {
      enumerable: true,
      get() {
        throw new Error('hostile getter');
      },
    });
  const proxyHeaders = () =>
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('hostile ownKeys');
        },
        get() {
          throw new Error('hostile get');
        },
        has() {
          throw new Error('hostile has');
        },
      },
    );

  describe('a producer whose message headers throw', () => {
    beforeEach(() => tracing.reset());

    for (const [name, headers] of [
      ['a throwing getter', throwingHeaders],
      ['a Proxy that throws', proxyHeaders],
    ] as const) {
      for (const count of [1, 3]) {
        it(`${name}, ${count} message(s): the record still goes out, and every span ends`, async () => {
          const { kafka, unpatch } = instrumentFake(harness);
          const messages: TestMessage[] = Array.from({ length: count }, () => ({
            value: 'v',
            headers: headers() as TestMessage['headers'],
          }));
          await kafka.producer().send({ topic: 'orders', messages });
          unpatch();
          assert.equal(tracing.openSpans().length, 0, 'spans left open');
          assert.ok(tracing.spans().some((span) => span.name === 'send orders'));
        });
      }
    }
  });

  describe('per-message spans over messages that read badly', () => {
    beforeEach(() => tracing.reset());

    const BAD: Array<[string, FullMessage]> = [
      ['a null message', null as unknown as FullMessage],
      ['a Symbol offset', { ...kafkaMessage(1, {}), offset: Symbol('o') as unknown as string }],
      ['headers with a throwing getter', kafkaMessage(2, throwingHeaders() as never)],
      ['a Proxy for headers', kafkaMessage(3, proxyHeaders() as never)],
    ];
    for (const [name, bad] of BAD) {
      it(`${name} in the middle of a batch: the batch is traced, nothing is left open`, async () => {
        const messages = [
          ...messagesFromDistinctProducers(2),
          bad,
          ...messagesFromDistinctProducers(1),
        ];
        const { kafka, unpatch } = instrumentFake(harness, {
          perMessageSpans: true,
          maxLinksPerSpan: 1,
        });
        let handled = 0;
        const traced = await tracedEachBatch(harness, kafka, async ({ batch }) => {
          handled = batch.messages.length;
        });
        await traced(batchPayload(messages));
        unpatch();
        assert.equal(handled, 4);
        assert.equal(tracing.openSpans().length, 0, 'spans left open');
        const batchSpan = tracing.spans().find((span) => !span.parentSpanContext);
        assert.equal(batchSpan?.attributes['messaging.batch.message_count'], 4);
        assert.equal(tracing.spans().filter((span) => span.name === 'process orders').length, 5);
      });
    }
  });

  describe('a handler that throws a value whose getters throw', () => {
    beforeEach(() => tracing.reset());

    it('is ERROR on the span, and the library gets the very same value', async () => {
      const hostile = new Proxy(
        {},
        {
          get() {
            throw new Error('hostile get');
          },
          getPrototypeOf() {
            throw new Error('hostile prototype');
          },
        },
      );
      const { kafka, unpatch } = instrumentFake(harness);
      const traced = await tracedEachBatch(harness, kafka, async () => {
        throw hostile;
      });
      let caught: unknown;
      try {
        await traced(batchPayload(messagesFromDistinctProducers(2)));
      } catch (error) {
        caught = error;
      }
      assert.ok(caught === hostile, 'the same value is re-thrown');
      unpatch();
      assert.equal(tracing.spans()[0]?.status.code, SpanStatusCode.ERROR);
    });
  });

  describe('an async batch hook that rejects', () => {
    it('does not take a default Node process down (no unhandled rejection)', () => {
      const script = `
      const { installTestTracing } = require(${JSON.stringify(require.resolve('@fanin/test-utils'))});
      const support = require(${JSON.stringify(join(__dirname, 'support.js'))});
      const { harness } = require(${JSON.stringify(harness.modulePath)});
      installTestTracing();
      (async () => {
        const { kafka } = support.instrumentFake(harness, {
          batchHook: async () => { throw new Error('hook failed'); },
          consumerHook: async () => { throw new Error('hook failed'); },
          perMessageSpans: true,
        });
        let handled = 0;
        const traced = await support.tracedEachBatch(harness, kafka, async ({ batch }) => { handled += batch.messages.length; });
        await traced(support.batchPayload(support.messagesFromDistinctProducers(3)));
        await new Promise((resolve) => setTimeout(resolve, 50));
        console.log('handled', handled);
      })();
    `;
      const child = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', FANIN_PROCESS_WARNINGS: 'false' },
      });
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /handled 3/);
    });
  });
}
