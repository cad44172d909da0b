import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId } from '@fanin/test-utils';
import { SpanKind, trace } from '@opentelemetry/api';
import { resolveTracingSettings } from './settings';
import { TransactionRecorder } from './trace-transaction';

const tracing = installTestTracing();
const settings = resolveTracingSettings('kafka', trace.getTracer('transaction.test'), {});
const creationContext = (n: number) => ({
  traceId: testTraceId(n),
  spanId: testSpanId(n),
  traceFlags: 1,
});

describe('TransactionRecorder', () => {
  beforeEach(() => tracing.reset());

  it('starts ONE span from the transaction start, linked to every message sent in it', () => {
    const recorder = new TransactionRecorder();
    const before = Date.now();
    for (let i = 0; i < 3; i++) recorder.record('orders', creationContext(i));
    recorder.startSpan(settings, 'committed', 'send').end();
    const [span] = tracing.spans();
    assert.equal(span?.name, 'transaction orders');
    assert.equal(span?.kind, SpanKind.PRODUCER);
    assert.equal(span?.attributes['messaging.destination.name'], 'orders');
    assert.equal(span?.attributes['messaging.system'], 'kafka');
    assert.equal(span?.attributes['messaging.operation.name'], 'send');
    assert.equal(span?.attributes['fanin.transaction.outcome'], 'committed');
    assert.equal(span?.links.length, 3);
    const startMs = (span?.startTime[0] ?? 0) * 1_000 + (span?.startTime[1] ?? 0) / 1e6;
    assert.ok(startMs <= before + 1);
  });

  it('names a transaction over several destinations "transaction", and restarts empty', () => {
    const recorder = new TransactionRecorder();
    recorder.record('orders', creationContext(1));
    recorder.record('payments', creationContext(2));
    recorder.startSpan(settings, 'rolled_back', 'rollback').end();
    recorder.restart();
    recorder.startSpan(settings, 'committed', 'commit').end();
    const [first, second] = tracing.spans();
    assert.equal(first?.name, 'transaction');
    assert.equal(first?.attributes['messaging.destination.name'], undefined);
    assert.equal(second?.links.length, 0);
  });
});
