// The links the dd-trace measurements put on their spans. Generated from
// numbers only, so the child process (which makes the spans under dd-trace)
// and the test (which predicts what must arrive) build the very same links.
import { createTraceState, type Link, type TraceState } from '@opentelemetry/api';

/** A span with `count` fanin-like links whose tracestate is `tracestateLength` characters. */
export interface FaninLinksScenario {
  kind: 'fanin';
  count: number;
  tracestateLength: number;
}

/** A span with a few links of generated, hostile attributes and tracestates. */
export interface HostileLinksScenario {
  kind: 'hostile';
  seed: number;
}

export type LinkScenario = FaninLinksScenario | HostileLinksScenario;

/** The span name a scenario's span gets, so the test finds it among the arrivals. */
export function scenarioName(scenario: LinkScenario): string {
  return scenario.kind === 'fanin'
    ? `links n=${scenario.count} tracestate=${scenario.tracestateLength}`
    : `links hostile seed=${scenario.seed}`;
}

export function scenarioLinks(scenario: LinkScenario): Link[] {
  return scenario.kind === 'fanin'
    ? faninLinks(scenario.count, scenario.tracestateLength)
    : hostileLinks(scenario.seed);
}

/** A small seeded generator (mulberry32), the same in every process. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hexDigits(next: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(next() * 16).toString(16);
  return out;
}

// What a Datadog-traced producer's W3C tracestate starts with.
const DD_MEMBER = 'dd=s:1;p:00f067aa0ba902b7;t.dm:-0;t.tid:66f1a2b300000000';

/**
 * A valid W3C tracestate of exactly `length` characters (0 to 512), every
 * member value at most 200 characters, so neither the OpenTelemetry API nor
 * dd-trace drops or shortens any of it.
 */
export function tracestateOfLength(length: number): string {
  if (length === 0) return '';
  let state = length >= DD_MEMBER.length ? DD_MEMBER : `k=${'v'.repeat(Math.max(1, length - 2))}`;
  for (let i = 0; state.length < length; i++) {
    const prefix = `,m${i}=`;
    let valueLength = length - state.length - prefix.length;
    if (valueLength > 200) valueLength = Math.min(200, valueLength - 8);
    state += `${prefix}${'x'.repeat(valueLength)}`;
  }
  return state;
}

/** Links as fanin makes them: one per producer, with offset, partition and message count. */
export function faninLinks(count: number, tracestateLength: number): Link[] {
  const next = seededRandom(count * 1000 + tracestateLength);
  const tracestate = tracestateOfLength(tracestateLength);
  const links: Link[] = [];
  for (let i = 0; i < count; i++) {
    links.push({
      context: {
        traceId: hexDigits(next, 32),
        spanId: hexDigits(next, 16),
        traceFlags: 1,
        isRemote: true,
        ...(tracestateLength > 0 ? { traceState: createTraceState(tracestate) } : {}),
      },
      attributes: {
        'messaging.kafka.offset': 1_000_000 + i * 3,
        'messaging.destination.partition.id': String(i % 12),
        'fanin.link.message_count': 1 + (i % 4),
      },
    });
  }
  return links;
}

/** A tracestate exactly as given, unvalidated, as a hostile or buggy propagator could make it. */
class RawTraceState implements TraceState {
  constructor(private readonly raw: string) {}
  set(): TraceState {
    return this;
  }
  unset(): TraceState {
    return this;
  }
  get(): string | undefined {
    return undefined;
  }
  serialize(): string {
    return this.raw;
  }
}

const CHARACTERS = [
  ...'abcXYZ019 .-_=,;:/~',
  '"',
  '\\',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '\u2028',
  '\ud83d\ude00',
  '\ud800',
];

/** Up to 12 links with attributes and tracestates that JSON must escape, arrays, odd numbers. */
export function hostileLinks(seed: number): Link[] {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const text = (max: number) =>
    Array.from({ length: int(max + 1) }, () => pick(CHARACTERS)).join('');
  const number = () =>
    pick([int(1e9), -int(1000), next() * 1e6, 1e21, 5e-7, -0, Number.NaN, Number.MAX_SAFE_INTEGER]);
  const value = (): unknown =>
    pick([
      () => text(16),
      number,
      () => next() < 0.5,
      () => [text(5), null, text(3)],
      () => [number(), number(), number()],
      () => [true, false],
      () => [],
      () => ['mixed', 1],
      () => ({ nested: 1 }),
      () => null,
    ])();
  const member = () =>
    pick([
      () => `k${int(20)}=${text(12).replaceAll(',', '')}`,
      () => ' dd=s:2;o:rum ',
      () => `long=${'v'.repeat(250 + int(12))}`,
      () => 'tab=a\tb',
      () => 'no-equals',
      () => '=empty-key',
      () => 'empty=',
    ])();
  const tracestate = () => {
    let state = '';
    const length = int(600);
    while (state.length < length) state += `${state ? ',' : ''}${member()}`;
    return state.slice(0, length);
  };
  const links: Link[] = [];
  const count = 1 + int(12);
  for (let i = 0; i < count; i++) {
    const attributes: Record<string, unknown> = {};
    const attributeCount = int(6);
    for (let a = 0; a < attributeCount; a++) attributes[pick(['', 'a', 'a.0', text(10)])] = value();
    const traceId = hexDigits(next, 32);
    links.push({
      context: {
        traceId: next() < 0.2 ? traceId.toUpperCase() : traceId,
        spanId: hexDigits(next, 16),
        traceFlags: pick([0, 1, 3]),
        isRemote: true,
        ...(next() < 0.3 ? {} : { traceState: new RawTraceState(tracestate()) }),
      },
      attributes: attributes as Link['attributes'],
    });
  }
  return links;
}
