// What the fault suite asserts after every run, and how it prints its figures.
import { appendFileSync } from 'node:fs';
import { isSpanContextValid } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Whether the full run was asked for (`FANIN_FAULTS_FULL=1`): 100,000+ header sets per library. */
export const FULL_RUN = process.env.FANIN_FAULTS_FULL === '1';

/** The seed of the generated header sets: FANIN_FAULTS_SEED, else a fixed one. */
export const SEED = Number(process.env.FANIN_FAULTS_SEED ?? 1_301);

const WATCHED_PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Buffer.prototype', Buffer.prototype],
];

type PrototypeSnapshot = Map<string, PropertyDescriptor | undefined>;

/** Every own property of the built-in prototypes a header key could reach, by descriptor. */
export function snapshotPrototypes(): PrototypeSnapshot {
  const snapshot: PrototypeSnapshot = new Map();
  for (const [name, prototype] of WATCHED_PROTOTYPES) {
    for (const key of Reflect.ownKeys(prototype)) {
      snapshot.set(`${name}.${String(key)}`, Object.getOwnPropertyDescriptor(prototype, key));
    }
    snapshot.set(`${name} [[Prototype]]`, { value: Object.getPrototypeOf(prototype) });
  }
  return snapshot;
}

/** The properties added, removed or changed since `before`: empty when nothing was polluted. */
export function prototypeChanges(before: PrototypeSnapshot): string[] {
  const after = snapshotPrototypes();
  const changes: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    const same =
      a !== undefined &&
      b !== undefined &&
      Object.is(a.value, b.value) &&
      Object.is(a.get, b.get) &&
      Object.is(a.set, b.set) &&
      a.enumerable === b.enumerable &&
      a.writable === b.writable;
    if (!same) changes.push(key);
  }
  // A plain object must still read nothing a header could have planted.
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'traceparent', 'tracestate', 'baggage', 'b3']) {
    if (probe[key] !== undefined) changes.push(`({}).${key}`);
  }
  return changes;
}

/** Links of `spans` and how many of them are not valid span contexts. */
export function linkValidity(spans: readonly ReadableSpan[]): {
  links: number;
  invalid: number;
  samples: string[];
} {
  let links = 0;
  let invalid = 0;
  const samples: string[] = [];
  for (const span of spans) {
    for (const link of span.links) {
      links++;
      if (isSpanContextValid(link.context)) continue;
      invalid++;
      if (samples.length < 5) {
        samples.push(
          `${span.name}: ${JSON.stringify(link.context)} ${JSON.stringify(link.attributes)}`,
        );
      }
    }
  }
  return { links, invalid, samples };
}

/** Collects what escapes to the process: unhandled rejections and uncaught exceptions. */
export class EscapeWatch {
  readonly escaped: unknown[] = [];
  private readonly onEscape = (reason: unknown) => {
    this.escaped.push(reason);
  };

  start(): this {
    process.on('unhandledRejection', this.onEscape);
    process.on('uncaughtException', this.onEscape);
    return this;
  }

  stop(): void {
    process.off('unhandledRejection', this.onEscape);
    process.off('uncaughtException', this.onEscape);
  }
}

/**
 * A deterministic description of a value, deep (Buffers as hex, prototypes
 * other than Object.prototype named): two reads of an unmodified message
 * describe it the same. Throws where the value does (hostile getters).
 */
export function describeValue(value: unknown, depth = 0): string {
  if (depth > 6) return '…';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return `symbol:${value.description ?? ''}`;
    case 'function':
      return `function:${value.name}`;
  }
  if (Buffer.isBuffer(value)) {
    try {
      return `buffer:${value.toString('hex')}`;
    } catch {
      // An object whose prototype is a Buffer (amqplib's `__proto__` key): described as one.
    }
  }
  if (Array.isArray(value)) return `[${value.map((v) => describeValue(v, depth + 1)).join(',')}]`;
  const prototype = Object.getPrototypeOf(value);
  const prefix =
    prototype === Object.prototype
      ? ''
      : prototype === null
        ? 'null-prototype '
        : `prototype ${describeValue(prototype, depth + 1)} `;
  const entries = Reflect.ownKeys(value as object).map(
    (key) => `${String(key)}:${describeValue(Reflect.get(value as object, key), depth + 1)}`,
  );
  return `{${prefix}${entries.join(',')}}`;
}

export type Figures = Record<string, number | string>;

/**
 * Prints the figures of one part of the suite, and appends them to the file
 * named by FANIN_FAULTS_FIGURES (suite-runner.ts prints them all at the end of a run).
 */
export function printFigures(part: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((key) => key.length));
  const lines = Object.entries(figures).map(
    ([key, value]) =>
      `  ${key.padEnd(width)}  ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`,
  );
  console.log(`fault suite, ${part}:\n${lines.join('\n')}`);
  const file = process.env.FANIN_FAULTS_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ part, figures })}\n`);
}
