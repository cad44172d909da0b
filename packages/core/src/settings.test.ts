import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { resolveTracingSettings, TracingSettingsCache } from './settings';

describe('resolveTracingSettings', () => {
  it('fills in the link limits and attribute names', () => {
    const tracer = trace.getTracer('settings.test');
    const settings = resolveTracingSettings('kafka', tracer, {
      maxLinksPerSpan: 10,
      semconvStability: 'dup',
    });
    assert.equal(settings.tracer, tracer);
    assert.deepEqual(settings.limits, { maxLinksPerSpan: 10, overflow: 'spill', budget: 'auto' });
    assert.deepEqual(settings.links, {
      linkUnsampledProducers: false,
      linkTraceState: false,
      readDatadogHeaders: true,
    });
    assert.equal(settings.names.stability, 'dup');
    assert.equal(settings.system, 'kafka');
    assert.equal(settings.consumerSpanParent, 'new-trace');
  });
});

describe('TracingSettingsCache', () => {
  it('resolves again only for another tracer or config object', () => {
    let resolved = 0;
    const cache = new TracingSettingsCache((tracer, config: object) => {
      resolved++;
      return { tracer, config };
    });
    const tracer = trace.getTracer('settings.test');
    const config = {};
    cache.get(tracer, config);
    cache.get(tracer, config);
    assert.equal(resolved, 1);
    cache.get(tracer, {});
    assert.equal(resolved, 2);
  });
});
