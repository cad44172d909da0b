// What the apps' spans must show: for each destination, CONSUMER spans
// `process {destination}` whose links reach every upstream trace that sent to it,
// at least one of them a fan-in (several producers on one span).
import assert from 'node:assert/strict';
import type { OtlpSpan } from '../datadog/fake-otlp-receiver';

const SPAN_KIND_CONSUMER = 5;

export interface Sent {
  kafka: { topic: string; traces: string[] };
  rabbitmq: { queue: string; traces: string[] };
}

export function sentByWorkload(stdout: string): Sent {
  const line = stdout.split('\n').find((l) => l.startsWith('WORKLOAD '));
  assert.ok(line, `the workload printed what it sent:\n${stdout}`);
  return JSON.parse(line.slice('WORKLOAD '.length)) as Sent;
}

export function assertFanIn(spans: OtlpSpan[], destination: string, traces: string[]): void {
  const batches = spans.filter(
    (span) =>
      span.name === `process ${destination}` &&
      (span as OtlpSpan & { kind?: number }).kind === SPAN_KIND_CONSUMER,
  );
  assert.ok(
    batches.length > 0,
    `a process ${destination} CONSUMER span arrived (${spans.length} spans)`,
  );
  const linked = new Set(batches.flatMap((span) => (span.links ?? []).map((link) => link.traceId)));
  assert.deepEqual(
    traces.filter((traceId) => !linked.has(traceId)),
    [],
    `every upstream trace of ${destination} is linked`,
  );
  assert.ok(
    batches.some((span) => (span.links?.length ?? 0) > 1),
    `one process ${destination} span links several producers`,
  );
}

/** The lines `{name} {KIND} links={n}` the README examples print, as span name, kind and links. */
export function printedSpans(stdout: string): { name: string; kind: string; links: number }[] {
  return stdout.split('\n').flatMap((line) => {
    const match = /^(.+) ([A-Z]+) links=(\d+)/.exec(line);
    return match ? [{ name: match[1] ?? '', kind: match[2] ?? '', links: Number(match[3]) }] : [];
  });
}
