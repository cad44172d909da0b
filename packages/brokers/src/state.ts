import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrokersState, KafkaRecord, RabbitmqRecord } from './types';

/** Reads the state text; anything unreadable or malformed counts as no state. */
export function parseState(text: string): BrokersState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isObject(raw)) return {};
  const state: BrokersState = {};
  if (isKafkaRecord(raw.kafka)) state.kafka = raw.kafka;
  if (isRabbitmqRecord(raw.rabbitmq)) state.rabbitmq = raw.rabbitmq;
  return state;
}

export function readState(file: string): BrokersState {
  try {
    return parseState(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** Writes the state atomically; an empty state removes the file. */
export function writeState(file: string, state: BrokersState): void {
  if (!state.kafka && !state.rabbitmq) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Drops one broker from the state file, keeping the other. */
export function forgetInState(file: string, broker: keyof BrokersState): void {
  const state = readState(file);
  if (state[broker] === undefined) return;
  delete state[broker];
  writeState(file, state);
}

function isKafkaRecord(value: unknown): value is KafkaRecord {
  if (!isObject(value) || !isStringArray(value.brokers) || value.brokers.length === 0) return false;
  if (value.origin === 'local jars') {
    return (
      Number.isInteger(value.pid) &&
      typeof value.home === 'string' &&
      typeof value.version === 'string'
    );
  }
  if (value.origin === 'container') {
    return typeof value.containerId === 'string' && typeof value.image === 'string';
  }
  return false;
}

function isRabbitmqRecord(value: unknown): value is RabbitmqRecord {
  if (!isObject(value) || typeof value.url !== 'string') return false;
  if (value.origin === 'local service') return typeof value.startedService === 'boolean';
  if (value.origin === 'container') {
    return typeof value.containerId === 'string' && typeof value.image === 'string';
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
