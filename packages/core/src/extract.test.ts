import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceId, testTraceparent } from '@fanin/test-utils';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ContextExtractor } from './extract';

installTestTracing();

describe('ContextExtractor', () => {
  const extractor = new ContextExtractor();

  it('extracts a W3C context from string and Buffer headers', () => {
    for (const value of [
      testTraceparent(3),
      Buffer.from(testTraceparent(3)),
      [testTraceparent(3)],
    ]) {
      const result = extractor.extract({ traceparent: value });
      assert.equal(result.status, 'valid');
      assert.equal(result.spanContext?.traceId, testTraceId(3));
      assert.equal(result.spanContext?.spanId, testSpanId(3));
      assert.equal(result.spanContext?.isRemote, true);
    }
  });

  it('tells a missing context from a malformed one', () => {
    assert.equal(extractor.extract({}).status, 'missing');
    assert.equal(extractor.extract(undefined).status, 'missing');
    assert.equal(extractor.extract({ other: 'header' }).status, 'missing');
    assert.equal(extractor.extract({ traceparent: 'garbage' }).status, 'invalid');
    assert.equal(
      extractor.extract({ traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01` }).status,
      'invalid',
    );
    assert.equal(
      extractor.extract({ traceparent: Buffer.from([0xff, 0xfe, 0x00]) }).status,
      'invalid',
    );
  });

  it('treats an oversized traceparent as malformed, never throwing', () => {
    const result = extractor.extract({ traceparent: testTraceparent(1) + 'x'.repeat(100_000) });
    assert.equal(result.status, 'invalid');
  });

  it('reports a propagator that throws as an invalid context', () => {
    const throwing = {
      inject() {},
      extract(): never {
        throw new Error('hostile propagator');
      },
      fields: () => ['traceparent'],
    };
    propagation.disable();
    propagation.setGlobalPropagator(throwing);
    try {
      assert.equal(
        new ContextExtractor().extract({ traceparent: testTraceparent(1) }).status,
        'invalid',
      );
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
  });
});
