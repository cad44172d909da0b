// In the setup child: what the finished spans say about fanin's consumer
// spans, the official instrumentations' spans, and who wraps what.
import { producerKeyOf, reachableLinks } from '@fanin/test-utils';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { FaninSpansSeen, Library } from './scenario';
import type { WorkloadResult } from './workload';

const FANIN_SCOPES: Record<Library, string> = {
  kafkajs: '@fanin/instrumentation-kafkajs',
  amqplib: '@fanin/instrumentation-amqplib',
};
const OFFICIAL_SCOPES = new Set([
  '@opentelemetry/instrumentation-kafkajs',
  '@opentelemetry/instrumentation-amqplib',
]);
const FANIN_OWNER = Symbol.for('@fanin/core:wrapper-owner');

const scopeOf = (span: ReadableSpan) => span.instrumentationScope.name;

/** The distinct producers named by the consumed messages' `traceparent` headers. */
export function producerKeys(workload: WorkloadResult): Set<string> {
  const keys = new Set<string>();
  for (const header of workload.traceparents) {
    const key = producerKeyOf(header);
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

export function faninSpansSeen(
  spans: readonly ReadableSpan[],
  library: Library,
  workload: WorkloadResult,
): FaninSpansSeen {
  const scope = FANIN_SCOPES[library];
  const processSpans = spans.filter(
    (span) =>
      scopeOf(span) === scope &&
      span.kind === SpanKind.CONSUMER &&
      span.name === `process ${workload.destination}`,
  );
  const batches = processSpans.filter((span) => span.parentSpanContext === undefined);
  const linked = processSpans.flatMap((span) => reachableLinks(span, spans));
  const reachable = new Set(linked);
  let reachableProducers = 0;
  for (const key of producerKeys(workload)) if (reachable.has(key)) reachableProducers++;
  return {
    processSpans: processSpans.length,
    batchMessageCount: batches.reduce(
      (sum, span) => sum + Number(span.attributes['messaging.batch.message_count'] ?? 0),
      0,
    ),
    links: linked.length,
    reachableProducers,
    producerSpans: spans.filter(
      (span) => scopeOf(span) === scope && span.kind === SpanKind.PRODUCER,
    ).length,
  };
}

/** The official kafkajs / amqplib instrumentations' spans, by scope and name. */
export function officialSpans(
  spans: readonly ReadableSpan[],
  destination: string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of spans) {
    if (!OFFICIAL_SCOPES.has(scopeOf(span))) continue;
    const name = `${scopeOf(span)}: ${span.name.split(destination).join('{destination}')}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

export function spansByScope(spans: readonly ReadableSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of spans) counts[scopeOf(span)] = (counts[scopeOf(span)] ?? 0) + 1;
  return counts;
}

function wrapperOf(value: unknown): 'fanin' | 'other' | 'none' {
  if (typeof value !== 'function') return 'none';
  if ((value as unknown as Record<symbol, unknown>)[FANIN_OWNER] !== undefined) return 'fanin';
  return (value as unknown as { __wrapped?: unknown }).__wrapped === true ? 'other' : 'none';
}

/** Who wraps each function fanin patches, read from the library as loaded. */
export function wrappers(library: Library): Record<string, 'fanin' | 'other' | 'none'> {
  if (library === 'kafkajs') {
    const { Kafka } = require('kafkajs') as typeof import('kafkajs');
    return {
      'Kafka.prototype.producer': wrapperOf(Kafka.prototype.producer),
      'Kafka.prototype.consumer': wrapperOf(Kafka.prototype.consumer),
    };
  }
  const model = require('amqplib/lib/channel_model') as {
    Channel: { prototype: Record<string, unknown> };
    ConfirmChannel: { prototype: Record<string, unknown> };
  };
  const result: Record<string, 'fanin' | 'other' | 'none'> = {};
  for (const name of ['publish', 'consume', 'ack', 'nack', 'reject', 'ackAll', 'nackAll', 'emit']) {
    result[`Channel.prototype.${name}`] = wrapperOf(model.Channel.prototype[name]);
  }
  result['ConfirmChannel.prototype.publish'] = wrapperOf(model.ConfirmChannel.prototype.publish);
  return result;
}
