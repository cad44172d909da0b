// The loop and the verdict of a fuzz run, for either library: chunks of
// header sets sent, handled, and their spans tallied; then the figures and
// the assertions.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { tracing } from '../tracing';
import { waitFor } from '../wait-for';
import type { FuzzLedger } from './fuzz-ledger';
import type { HeaderSet, HeaderSetSource } from './header-sets';
import {
  linkValidity,
  printFigures,
  prototypeChanges,
  type snapshotPrototypes,
} from './invariants';
import { PROPAGATORS, useGlobalPropagator } from './propagators';

const CHUNK = 1_000;

export interface FuzzRun<M extends object> {
  part: string;
  seed: number;
  total: number;
  source: HeaderSetSource;
  ledger: FuzzLedger<M>;
  prototypes: ReturnType<typeof snapshotPrototypes>;
  /** Sends one chunk; `first` is the index of its first message. */
  send(chunk: HeaderSet[], first: number): Promise<void>;
  /** Per chunk, after the propagator was chosen: e.g. other instrumentation settings. */
  configure?(chunk: number): void;
  /** Everything that reached user code, the library or the process, so far. */
  escaped(): unknown[];
  /**
   * Whether the library may deliver a message again (Kafka is at least once:
   * a consumer that rejoins its group under load starts from the last
   * committed offset). Counted either way; a failure when not allowed.
   */
  redeliveries: 'allowed' | 'none';
}

export async function runFuzz<M extends object>(run: FuzzRun<M>): Promise<void> {
  const spans = { started: 0, ended: 0, open: 0, links: 0, invalid: 0 };
  const invalidLinks: string[] = [];
  for (let first = 0, chunk = 0; first < run.total; first += CHUNK, chunk++) {
    // The propagator alternates from one chunk to the next: W3C alone, then all formats.
    useGlobalPropagator(
      (PROPAGATORS[chunk % PROPAGATORS.length] as (typeof PROPAGATORS)[number])[1],
    );
    run.configure?.(chunk);
    tracing.reset();
    await run.send(run.source.take(Math.min(CHUNK, run.total - first)), first);
    await waitFor(() => run.ledger.outstanding() === 0, `chunk ${chunk} handled`, 120_000).catch(
      (error: Error) => {
        const seen = inspect(run.escaped()).slice(0, 2_000);
        throw new Error(
          `${error.message}: ${run.ledger.outstanding()} outstanding; errors: ${seen}`,
        );
      },
    );
    // Spans end when a handler settles, or at an AMQP ack.
    await waitFor(() => tracing.openSpans().length === 0, 'spans ended', 10_000).catch(() => {});
    const finished = tracing.spans();
    spans.started += tracing.startedCount();
    spans.ended += finished.length;
    spans.open += tracing.openSpans().length;
    const links = linkValidity(finished);
    spans.links += links.links;
    spans.invalid += links.invalid;
    invalidLinks.push(...links.samples);
  }
  useGlobalPropagator((PROPAGATORS[0] as (typeof PROPAGATORS)[number])[1]);
  const polluted = prototypeChanges(run.prototypes);
  const escaped = run.escaped();
  printFigures(run.part, {
    seed: String(run.seed),
    ...run.ledger.figures(),
    'exceptions into user code or the library': escaped.length,
    'spans started': spans.started,
    'spans ended': spans.ended,
    'spans left open': spans.open,
    links: spans.links,
    'invalid links': spans.invalid,
    'prototype properties changed': polluted.length,
  });
  assert.deepEqual(run.ledger.problems, [], 'messages modified');
  assert.deepEqual(escaped, []);
  assert.equal(run.ledger.counts.handled, run.total);
  if (run.redeliveries === 'none') assert.equal(run.ledger.counts.duplicates, 0);
  assert.equal(spans.open, 0, 'spans left open');
  assert.equal(spans.started, spans.ended);
  // A message whose headers cannot be read at all may go untraced (it costs the span, never the message).
  assert.ok(spans.started >= run.ledger.counts.wire / 2, 'fanin traced the messages');
  assert.ok(spans.links > 0, 'the valid contexts among the sets were linked');
  assert.deepEqual(invalidLinks, [], 'invalid links');
  assert.deepEqual(polluted, [], 'prototypes changed');
}
