// Every flow of core, driven with readers, hooks and handlers that misbehave
// in every way an adapter or a user can: no flow throws into the caller (but
// for the handler's own error, handed back unchanged), none leaves a span open.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { installTestTracing, testTraceparent } from '@fanin/test-utils';
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { FanInAccumulator } from './accumulator';
import type { MessageReader } from './message-reader';
import { runInSpan } from './run-in-span';
import { resolveTracingSettings, type TracingConfig } from './settings';
import { recordSettlementSpan } from './settlement';
import { traceBatch } from './trace-batch';
import { traceMessage } from './trace-message';
import { type OutgoingReader, traceSend } from './trace-send';
import { TransactionRecorder, traceTransactionEnd } from './trace-transaction';

const tracing = installTestTracing();

interface TestMessage {
  n: number;
  headers: Record<string, unknown>;
}

const messages = (count: number): TestMessage[] =>
  Array.from({ length: count }, (_, n) => ({ n, headers: { traceparent: testTraceparent(n) } }));

const boom = () => {
  throw new Error('reader bug');
};

/** A value whose every read throws: what a hostile error or hook result can be. */
const hostileValue = new Proxy(
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

const goodReader: MessageReader<TestMessage> = {
  headers: (message) => message.headers,
  linkAttributes: (message) => ({ 'test.n': message.n }),
  spanAttributes: (message) => ({ 'test.n': message.n }),
};

const READERS: Array<[string, MessageReader<TestMessage>]> = [
  ['a reader that works', goodReader],
  ['headers that throw', { ...goodReader, headers: boom }],
  ['link attributes that throw', { ...goodReader, linkAttributes: boom }],
  ['span attributes that throw', { ...goodReader, spanAttributes: boom }],
  [
    'attributes that are not objects',
    {
      ...goodReader,
      linkAttributes: () => null as unknown as Attributes,
      spanAttributes: () => 42 as unknown as Attributes,
    },
  ],
];

type HookFn = (...args: unknown[]) => unknown;
const HOOKS: Array<[string, HookFn]> = [
  ['a hook that works', (span) => (span as Span).setAttribute('test.hooked', true)],
  ['a hook that throws', boom],
  [
    'a hook that throws a hostile value',
    () => {
      throw hostileValue;
    },
  ],
  ['an async hook that rejects', async () => Promise.reject(new Error('async hook bug'))],
  // biome-ignore lint/suspicious/noThenProperty: a hostile thenable, on purpose
  ['a hook that returns a hostile thenable', () => ({ then: boom })],
];

const CONFIGS: Array<[string, TracingConfig]> = [
  ['defaults', {}],
  ['per-message spans, a small cap', { perMessageSpans: true, maxLinksPerSpan: 3 }],
  ['link-only, drop', { messageContext: 'link-only', overflow: 'drop', maxLinksPerSpan: 2 }],
];

const THROWN: Array<[string, unknown]> = [
  ['an Error', new Error('handler failed')],
  ['a string', 'plain string'],
  ['undefined', undefined],
  ['a Symbol', Symbol('thrown')],
  ['a hostile Proxy', hostileValue],
  [
    'an object whose toString throws',
    {
      toString() {
        throw new Error('no string');
      },
    },
  ],
];

const outgoing: OutgoingReader<TestMessage> = {
  destination: () => 'orders',
  headers: (message) => message.headers,
  setHeaders: (message, headers) => {
    message.headers = headers;
  },
  spanAttributes: () => ({}),
};

/** Each flow, run once with the given reader, hook and handler. */
const FLOWS: Array<
  [string, (reader: MessageReader<TestMessage>, hook: HookFn, handler: () => unknown) => unknown]
> = [
  [
    'traceBatch',
    (reader, hook, handler) =>
      traceBatch(
        settingsFor({ perMessageSpans: true, maxLinksPerSpan: 4 }),
        () => ({
          destination: 'orders',
          messages: messages(10),
          reader,
          batchHook: { name: 'batchHook', call: hook },
          messageHook: { name: 'messageHook', call: hook },
        }),
        handler,
      ),
  ],
  [
    'traceMessage',
    (reader, hook, handler) =>
      traceMessage(
        settingsFor({}),
        () => ({
          destination: 'orders',
          message: messages(1)[0] as TestMessage,
          reader,
          hook: { name: 'hook', call: hook },
        }),
        handler,
      ),
  ],
  [
    'traceSend, one message',
    (reader, hook, handler) =>
      traceSend(
        settingsFor({}),
        () => ({
          messages: [{ n: 0, headers: reader === goodReader ? {} : hostileValue } as TestMessage],
          reader: { ...outgoing, headers: reader.headers },
          operationName: 'send',
          hook: { name: 'hook', call: hook },
        }),
        handler,
        hook,
      ),
  ],
  [
    'traceSend, several messages',
    (reader, hook, handler) =>
      traceSend(
        settingsFor({ maxLinksPerSpan: 2 }),
        () => ({
          messages: messages(5),
          reader: { ...outgoing, headers: reader.headers, spanAttributes: reader.spanAttributes },
          operationName: 'send',
          hook: { name: 'hook', call: hook },
        }),
        handler,
      ),
  ],
  [
    'recordSettlementSpan',
    (reader, _hook, handler) => {
      recordSettlementSpan(settingsFor({ maxLinksPerSpan: 3 }), {
        destination: 'orders',
        settlement: 'ack',
        details: {},
        messages: messages(10),
        reader,
      });
      return handler();
    },
  ],
  [
    'traceTransactionEnd',
    (_reader, _hook, handler) => {
      const recorder = new TransactionRecorder();
      recorder.record('orders', {
        traceId: '1'.repeat(32),
        spanId: '2'.repeat(16),
        traceFlags: 1,
      });
      return traceTransactionEnd(
        settingsFor({}),
        { recorder, outcome: 'committed', operationName: 'send' },
        handler,
      );
    },
  ],
  [
    'FanInAccumulator.emit',
    (reader, _hook, handler) => {
      const accumulator = new FanInAccumulator<string>({ maxLinksPerSpan: 3 });
      for (const message of messages(10)) {
        let headers: unknown;
        try {
          headers = reader.headers(message);
        } catch {
          headers = hostileValue;
        }
        accumulator.add('key', headers, { n: message.n });
      }
      return accumulator.emit('key', { name: 'aggregate orders' }, handler);
    },
  ],
];

function settingsFor(config: TracingConfig) {
  return resolveTracingSettings('test', trace.getTracer('flows.test'), config);
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

async function settle(value: unknown): Promise<{ error?: unknown }> {
  try {
    await value;
    return {};
  } catch (error) {
    return { error };
  }
}

describe('every flow, whatever the reader, hooks and handler do', () => {
  beforeEach(() => {
    tracing.reset();
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no rejection left unhandled');
  });

  for (const [flowName, flow] of FLOWS) {
    for (const [readerName, reader] of READERS) {
      for (const [hookName, hook] of HOOKS) {
        it(`${flowName}: ${readerName}, ${hookName}: runs the handler, ends every span`, async () => {
          let ran = 0;
          const result = await settle(flow(reader, hook, () => ++ran));
          assert.equal(result.error, undefined);
          assert.equal(ran, 1);
          assert.equal(tracing.openSpans().length, 0, 'spans left open');
          assert.equal(tracing.startedCount(), tracing.spans().length);
          assert.ok(tracing.spans().length > 0, 'the flow recorded');
        });
      }
    }
    // A settle span records a call that already happened: it wraps no handler.
    if (flowName === 'recordSettlementSpan') continue;
    for (const [thrownName, thrown] of THROWN) {
      for (const style of ['throws', 'rejects'] as const) {
        it(`${flowName}: a handler that ${style} ${thrownName}: the same value back, ERROR, nothing open`, async () => {
          const handler =
            style === 'throws'
              ? () => {
                  throw thrown;
                }
              : () => Promise.reject(thrown);
          let caught: { error?: unknown } = {};
          try {
            caught = await settle(flow(goodReader, () => {}, handler));
          } catch (error) {
            caught = { error };
          }
          assert.ok('error' in caught);
          assert.equal(caught.error, thrown);
          assert.equal(tracing.openSpans().length, 0, 'spans left open');
          const failed = tracing
            .spans()
            .filter((span) => span.status.code === SpanStatusCode.ERROR);
          assert.equal(failed.length, 1, 'the span around the handler says ERROR');
        });
      }
    }
  }

  it('a describe that throws (an adapter reading a malformed payload) runs the handler untraced', async () => {
    let ran = false;
    const result = traceBatch(
      settingsFor({}),
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'messages')");
      },
      () => {
        ran = true;
        return 'result';
      },
    );
    assert.equal(result, 'result');
    assert.equal(ran, true);
    assert.equal(tracing.startedCount(), 0);
  });
});

describe('runInSpan with a span whose methods throw (a foreign tracer)', () => {
  it('still hands back the handler error and calls end', () => {
    const broken = new Proxy(
      {},
      {
        get() {
          return () => {
            throw new Error('broken span');
          };
        },
      },
    ) as Span;
    const failure = new Error('handler');
    let ended = false;
    assert.throws(
      () =>
        runInSpan(
          broken,
          ROOT_CONTEXT,
          () => {
            throw failure;
          },
          () => {
            ended = true;
          },
        ),
      (error) => error === failure,
    );
    assert.equal(ended, true);
  });
});

for (const [configName, config] of CONFIGS) {
  describe(`traceBatch with ${configName}`, () => {
    beforeEach(() => tracing.reset());
    it('keeps every producer reachable and ends every span it started', async () => {
      await traceBatch(
        settingsFor(config),
        () => ({ destination: 'orders', messages: messages(25), reader: goodReader }),
        async () => {},
      );
      assert.equal(tracing.openSpans().length, 0);
      assert.equal(tracing.startedCount(), tracing.spans().length);
    });
  });
}
