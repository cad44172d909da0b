import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AggregatorStats } from './aggregator';
import { AGGREGATOR_CONFIG_ENV, type AggregatorProcessConfig } from './aggregator-config';
import { type ChildMessage, fromWire } from './span-wire';

/** What happened to the group, for the verdict. */
export interface GroupReport {
  processes: number;
  killedPid: number | undefined;
  /** Partitions the killed process owned, and orders it held in open windows. */
  killedPartitions: number[];
  killedOpenOrders: number;
  /** Orders it had consumed whose offsets were not committed (open windows, windows being delivered). */
  killedUncommittedOrders: number;
  /** What the killed process was doing, as its last stats said. */
  killedWhile: string;
  /** A survivor took over a partition of the killed process. */
  rebalanceSeen: boolean;
  /** pid → partitions it took over from the killed process. */
  takenOverBy: Record<number, number[]>;
  /** Processes that did not exit by themselves after `stop` and were killed at the end. */
  unstopped: number;
}

/** NODE_OPTIONS without its `--require`/`--import` preloads (a test runner's SDK). */
function withoutPreloads(options: string | undefined): string {
  return (options ?? '').replace(/(^|\s)(--require|-r|--import)(=|\s+)\S+/g, ' ').trim();
}

interface Member {
  child: ChildProcess;
  pid: number;
  stats: AggregatorStats | undefined;
  alive: boolean;
  stopped: Promise<void>;
}

/**
 * N aggregator processes in one consumer group (`--group N`): each one a
 * `node` child running `aggregator-process.js`, sending its stats and every
 * finished span back over IPC, so the verdict reads the spans that were
 * actually exported, the killed process's included (up to its death).
 */
export class AggregatorGroup {
  readonly spans: ReadableSpan[] = [];
  private readonly members: Member[] = [];
  private killed:
    | {
        pid: number;
        partitions: number[];
        openOrders: number;
        uncommittedOrders: number;
        while: string;
      }
    | undefined;
  private readonly takenOverBy = new Map<number, Set<number>>();
  private unstopped = 0;
  /** Called on every stats message (the kill decision runs there, without polling delay). */
  onChange: (() => void) | undefined;

  constructor(
    private readonly size: number,
    private readonly config: AggregatorProcessConfig,
  ) {}

  /** Starts the processes; resolves once every one runs its consumer. */
  async start(): Promise<void> {
    const started: Promise<void>[] = [];
    for (let index = 0; index < this.size; index++) started.push(this.spawn());
    await Promise.all(started);
  }

  get alive(): Member[] {
    return this.members.filter((member) => member.alive);
  }

  stats(): AggregatorStats[] {
    return this.members.flatMap((member) => (member.stats ? [member.stats] : []));
  }

  /** Every partition of `orders` is owned by a live process, each by one. */
  stable(partitions: number): boolean {
    const owned = this.alive.flatMap((member) => member.stats?.partitions ?? []);
    return owned.length === partitions && new Set(owned).size === partitions;
  }

  /**
   * `kill -9` of the live process that `pick` prefers (it sees each live
   * process's latest stats); returns its pid, or undefined if none is picked.
   */
  killOne(pick: (stats: AggregatorStats) => boolean, why: string): number | undefined {
    if (this.killed) return this.killed.pid;
    const victim = this.alive.find((member) => member.stats && pick(member.stats));
    if (!victim?.stats) return undefined;
    this.killed = {
      pid: victim.pid,
      partitions: victim.stats.partitions,
      openOrders: victim.stats.openOrders,
      uncommittedOrders: victim.stats.uncommittedOrders,
      while: why,
    };
    victim.alive = false;
    victim.child.kill('SIGKILL');
    return victim.pid;
  }

  /** Asks every live process to emit what it holds, commit and stop. */
  async stop(timeoutMs: number): Promise<void> {
    const alive = this.alive;
    for (const member of alive) member.child.send({ type: 'stop' });
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all(alive.map((member) => member.stopped)), deadline]);
    for (const member of this.alive) {
      this.unstopped++;
      member.alive = false;
      member.child.kill('SIGKILL');
    }
  }

  report(): GroupReport {
    return {
      processes: this.size,
      killedPid: this.killed?.pid,
      killedPartitions: this.killed?.partitions ?? [],
      killedOpenOrders: this.killed?.openOrders ?? 0,
      killedUncommittedOrders: this.killed?.uncommittedOrders ?? 0,
      killedWhile: this.killed?.while ?? '',
      rebalanceSeen: this.takenOverBy.size > 0,
      takenOverBy: Object.fromEntries(
        [...this.takenOverBy].map(([pid, partitions]) => [
          pid,
          [...partitions].sort((a, b) => a - b),
        ]),
      ),
      unstopped: this.unstopped,
    };
  }

  private spawn(): Promise<void> {
    const child = fork(join(__dirname, 'aggregator-process.js'), [], {
      execArgv: ['--require', join(__dirname, 'register-aggregator.js')],
      env: {
        ...process.env,
        // The process brings its own SDK (register-aggregator): no preload of the parent's.
        NODE_OPTIONS: withoutPreloads(process.env.NODE_OPTIONS),
        [AGGREGATOR_CONFIG_ENV]: JSON.stringify(this.config),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markStarted: () => void = () => {};
    let markStopped: () => void = () => {};
    const started = new Promise<void>((resolve, reject) => {
      markStarted = resolve;
      child.once('exit', (code) => reject(new Error(`an aggregator exited (${code}) on start`)));
    });
    const member: Member = {
      child,
      pid: child.pid ?? 0,
      stats: undefined,
      alive: true,
      stopped: new Promise<void>((resolve) => {
        markStopped = resolve;
      }),
    };
    child.on('exit', () => {
      member.alive = false;
      markStopped();
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'spans') this.spans.push(...message.spans.map(fromWire));
      else if (message.type === 'stats') this.onStats(member, message.stats);
      else if (message.type === 'started') markStarted();
    });
    this.members.push(member);
    started.catch(() => {});
    return started;
  }

  private onStats(member: Member, stats: AggregatorStats): void {
    member.stats = stats;
    this.onChange?.();
    if (!this.killed || !member.alive) return;
    for (const partition of stats.partitions) {
      if (!this.killed.partitions.includes(partition)) continue;
      const taken = this.takenOverBy.get(member.pid) ?? new Set<number>();
      taken.add(partition);
      this.takenOverBy.set(member.pid, taken);
    }
  }
}
