// The book of one fuzz run: which header set each message carries, what the
// library delivered at the seam (seams.ts), what the handler got, and the
// figures. Shared by the kafkajs and amqplib fuzz tests.
import { createHash } from 'node:crypto';
import type { HeaderSet } from './header-sets';
import { describeValue, type Figures } from './invariants';

/** How one library's message holds its headers. */
export interface HeaderSlot<M> {
  get(message: M): unknown;
  set(message: M, headers: unknown): void;
}

interface Pending {
  set: HeaderSet;
  /** What the seam put in place of the headers (in-process sets). */
  hostile?: unknown;
  /** The message object the library delivered, and a digest of its headers then. */
  delivered?: object;
  digest?: string;
}

const digestOf = (headers: unknown) =>
  createHash('sha1').update(describeValue(headers)).digest('hex');

/** At most this many problems are kept, with the index and seed that reproduce them. */
const KEPT_PROBLEMS = 10;

export class FuzzLedger<M extends object> {
  private readonly pending = new Map<number, Pending>();
  readonly problems: string[] = [];
  readonly counts = {
    sets: 0,
    wire: 0,
    inProcess: 0,
    handled: 0,
    unmodified: 0,
    comparedWithSent: 0,
    duplicates: 0,
    modified: 0,
  };
  readonly tags = new Map<string, number>();
  readonly labels = new Set<string>();

  constructor(
    private readonly slot: HeaderSlot<M>,
    private readonly seed: number,
    private readonly differenceFromSent: (set: HeaderSet, headers: unknown) => string | undefined,
  ) {}

  /** Registers message `index`, about to be sent with `set`. */
  expect(index: number, set: HeaderSet): void {
    this.pending.set(index, { set });
    this.counts.sets++;
    if (set.kind === 'wire') {
      this.counts.wire++;
      for (const tag of new Set(set.tags.map((t) => t.replace(/^.*:/, '')))) {
        this.tags.set(tag, (this.tags.get(tag) ?? 0) + 1);
      }
    } else {
      this.counts.inProcess++;
      this.labels.add(set.label);
    }
  }

  /** At the seam, before fanin sees it: swaps in the hostile value, or notes what was delivered. */
  atSeam(index: number, message: M): void {
    try {
      this.seam(index, message);
    } catch (error) {
      // The suite's own bookkeeping must not throw into the library.
      this.problems.push(`message ${index} (seed ${this.seed}): the seam failed: ${String(error)}`);
    }
  }

  private seam(index: number, message: M): void {
    const entry = this.pending.get(index);
    if (!entry || entry.delivered) return;
    entry.delivered = message;
    if (entry.set.kind === 'in-process') {
      entry.hostile = entry.set.make();
      this.slot.set(message, entry.hostile);
    } else {
      entry.digest = digestOf(this.slot.get(message));
    }
  }

  /** In the user's handler: the message must be the one delivered, its headers untouched. */
  handled(index: number, message: M): void {
    const entry = this.pending.get(index);
    if (!entry) {
      this.counts.duplicates++;
      return;
    }
    this.pending.delete(index);
    this.counts.handled++;
    const problem = this.check(entry, message);
    if (problem === undefined) this.counts.unmodified++;
    else {
      this.counts.modified++;
      if (this.problems.length < KEPT_PROBLEMS) {
        const what = entry.set.kind === 'wire' ? entry.set.tags.join(' ') : entry.set.label;
        this.problems.push(`message ${index} (seed ${this.seed}; ${what}): ${problem}`);
      }
    }
  }

  private check(entry: Pending, message: M): string | undefined {
    if (entry.delivered !== message)
      return 'the handler got another message object than the library delivered';
    const headers = this.slot.get(message);
    if (entry.set.kind === 'in-process') {
      return headers === entry.hostile ? undefined : 'the hostile headers were replaced';
    }
    if (digestOf(headers) !== entry.digest)
      return 'the headers changed between the library and the handler';
    const difference = this.differenceFromSent(entry.set, headers);
    if (difference === 'not comparable') return undefined;
    this.counts.comparedWithSent++;
    return difference;
  }

  outstanding(): number {
    return this.pending.size;
  }

  figures(): Figures {
    return {
      'header sets': this.counts.sets,
      'carried by the broker': this.counts.wire,
      'hostile values in-process': this.counts.inProcess,
      'distinct in-process kinds': this.labels.size,
      'messages handled': this.counts.handled,
      'handled unmodified': this.counts.unmodified,
      'compared with what was sent': this.counts.comparedWithSent,
      'modified or replaced': this.counts.modified,
      'delivered again (after the first)': this.counts.duplicates,
      'overlong values': this.tags.get('overlong') ?? 0,
      'unicode values': this.tags.get('unicode') ?? 0,
    };
  }
}
