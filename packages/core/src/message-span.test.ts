import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId, testTraceparent } from '@fanin/test-utils';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { startFanInSpan } from './fan-in-span';
import { DEFAULT_LINK_LIMITS } from './limits';
import { LinkSet } from './links';
import { startMessageSpan, withMessageSpans } from './message-span';

const tracing = installTestTracing();
const tracer = trace.getTracer('message-span.test');

function start(headers: unknown, mode: 'parent+link' | 'link-only', parent = ROOT_CONTEXT) {
  const started = startMessageSpan(tracer, {
    name: 'process orders',
    attributes: { 'messaging.system': 'rabbitmq' },
    headers,
    mode,
    parentContext: parent,
  });
  started.span.end();
  const [span] = tracing.spans();
  assert.ok(span);
  return { started, span };
}

describe('startMessageSpan', () => {
  beforeEach(() => tracing.reset());

  it('parents on the producer and links it with parent+link', () => {
    const { started, span } = start({ traceparent: testTraceparent(4) }, 'parent+link');
    assert.equal(span.kind, SpanKind.CONSUMER);
    assert.equal(span.spanContext().traceId, testTraceId(4));
    assert.equal(span.parentSpanContext?.spanId, testSpanId(4));
    assert.equal(span.links[0]?.context.spanId, testSpanId(4));
    assert.equal(started.producer.status, 'valid');
    assert.equal(trace.getSpan(started.context), started.span);
  });

  it('keeps the fallback parent and links the producer with link-only', () => {
    const outer = tracer.startSpan('outer');
    const parent = trace.setSpan(context.active(), outer);
    const { span } = start({ traceparent: testTraceparent(4) }, 'link-only', parent);
    outer.end();
    assert.equal(span.parentSpanContext?.spanId, outer.spanContext().spanId);
    assert.equal(span.links[0]?.context.spanId, testSpanId(4));
  });

  it('starts under the fallback parent without a link for missing or hostile headers', () => {
    for (const headers of [undefined, {}, { traceparent: 'garbage' }, { traceparent: { a: 1 } }]) {
      tracing.reset();
      const { span, started } = start(headers, 'parent+link');
      assert.equal(span.parentSpanContext, undefined);
      assert.equal(span.links.length, 0);
      assert.notEqual(started.producer.status, 'valid');
    }
  });
});

describe('withMessageSpans', () => {
  beforeEach(() => tracing.reset());

  it('adds a child span per message, linked to its producer, ended with the fan-in span', () => {
    const fanIn = startFanInSpan(tracer, {
      name: 'process orders',
      attributes: {},
      links: new LinkSet(),
      limits: DEFAULT_LINK_LIMITS,
    });
    const started: number[] = [];
    const messages = [
      { id: 1, headers: { traceparent: testTraceparent(1) } },
      { id: 2, headers: {} },
    ];
    const withChildren = withMessageSpans(tracer, fanIn, messages, {
      name: 'process orders',
      attributes: { 'messaging.system': 'rabbitmq' },
      reader: {
        headers: (message) => message.headers,
        spanAttributes: (message) => ({ 'app.id': message.id }),
      },
      onStart: (_span, message) => started.push(message.id),
    });
    assert.equal(tracing.spans().length, 0);
    withChildren.end();
    const spans = tracing.spans();
    const parent = spans.find((span) => !span.parentSpanContext);
    const children = spans.filter(
      (span) => span.parentSpanContext?.spanId === parent?.spanContext().spanId,
    );
    assert.deepEqual(started, [1, 2]);
    assert.deepEqual(
      children.map((span) => [
        span.attributes['messaging.system'],
        span.attributes['app.id'],
        span.links[0]?.context.spanId,
      ]),
      [
        ['rabbitmq', 1, testSpanId(1)],
        ['rabbitmq', 2, undefined],
      ],
    );
  });
});
