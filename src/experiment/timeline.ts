import { faultFor } from '../faults/registry.js';
import type { FaultContext } from '../faults/fault.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Heal } from '../network/network.js';
import { faultsToWaitFor } from '../history/plan.js';
import type { FaultSpec } from '../schema/experiment.js';
import { withTimeout } from '../util/time.js';
import { FAULT_DELAYED_NOTE, LEFT_TO_TEARDOWN_NOTE } from '../history/types.js';
import { faultRandom } from './resolve-plan.js';

/**
 * How long injecting one fault may take: resolving its target (up to 30 s) and a node operation
 * (a restart: a clean stop up to 60 s, then registering again up to 60 s), with room to spare.
 */
const INJECT_MS = 180_000;
/** A rolling restart restarts each broker and waits for a healthy cluster (up to 2 min) before the next. */
const RESTART_EACH_MS = 300_000;
/** How long healing one fault may take (a killed broker's heal is a restart). */
export const HEAL_MS = 180_000;
/** Tearing down, how long healAll waits for a heal already in progress. */
const TEARDOWN_HEAL_MS = 15_000;

/** The bound on injecting `f` in a cluster of `brokers` brokers. */
export function injectBoundMs(f: FaultSpec, brokers: number): number {
  return f.kind === 'rolling-restart' ? brokers * (f.intervalMs + RESTART_EACH_MS) : INJECT_MS;
}

export interface TimelineOptions {
  faults: readonly FaultSpec[];
  seed: number;
  history: HistoryRecorder;
  /** Builds the context a fault runs in, given its random stream. */
  context: (random: FaultContext['random']) => FaultContext;
  /** The run's clock; injected so a test can drive time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FaultOutcome {
  index: number;
  name: string;
  kind: FaultSpec['kind'];
  target?: string;
  injectedAt?: number;
  healedAt?: number;
  error?: string;
}

/**
 * Runs fault windows against the clock from `start()`: injects each at `at`, heals it at its
 * heal time. Every heal that was not run by its window runs in `healAll()`, which the runner
 * calls when load ends and again on any exit path (interrupt, error): heals are idempotent.
 * A fault that fails to inject is recorded (`fault-error`) and does not stop the others.
 * Injecting and healing are bounded (injectBoundMs, HEAL_MS): one that takes longer is recorded
 * as a `fault-error` naming it, and a heal that timed out stays active, tried again by healAll.
 */
export class Timeline {
  private readonly active = new Map<number, Heal>();
  /** Active faults whose heal the teardown makes needless (Injected.undoneByTeardown). */
  private readonly undoneByTeardown = new Set<number>();
  private readonly healing = new Map<number, Promise<void>>();
  private readonly outcomes: FaultOutcome[];
  private tasks: Promise<void>[] = [];
  /** Per fault: settles once it is over (healed, instant and complete, failed, or never to run). */
  private readonly over: { promise: Promise<void>; resolve: () => void }[];
  private stopped = false;
  /** healAll({ tearingDown }) has run: a fault injected from now on is left to the teardown too. */
  private tearingDown = false;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TimelineOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.outcomes = options.faults.map((f, index) => ({ index, name: f.name, kind: f.kind }));
    this.over = options.faults.map(() => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      return { promise, resolve };
    });
  }

  start(t0: number): void {
    this.tasks = this.options.faults.map((f, i) => this.window(f, i, t0));
  }

  results(): readonly FaultOutcome[] {
    return this.outcomes;
  }

  /**
   * Heals every fault still active and stops windows that have not started. `tearingDown`: the
   * environment is about to be torn down (the run ends early), so a heal that would only start
   * a node again for the teardown to stop (Injected.undoneByTeardown) is not begun: the fault
   * is recorded as left to the teardown (a note). A heal its window has begun is still awaited.
   */
  async healAll(options: { tearingDown?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (options.tearingDown === true) this.tearingDown = true;
    if (this.tearingDown) {
      for (const i of [...this.active.keys()]) if (this.undoneByTeardown.has(i) && !this.healing.has(i)) this.leaveToTeardown(i);
    }
    const heals = Promise.all([...this.active.keys()].map((i) => this.heal(i)));
    if (!this.tearingDown) {
      await heals;
      return;
    }
    // a heal in progress is waited for a little only: the teardown undoes what it would (windDown makes a restart give up)
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([heals, new Promise<void>((resolve) => (timer = setTimeout(resolve, TEARDOWN_HEAL_MS)))]);
    clearTimeout(timer);
  }

  /** Not healed: the environment's teardown undoes it (a killed broker is not restarted to be stopped again). Noted. */
  private leaveToTeardown(i: number): void {
    this.active.delete(i);
    const f = this.options.faults[i]!;
    this.options.history.record({
      type: 'event',
      kind: 'note',
      time: this.now(),
      name: LEFT_TO_TEARDOWN_NOTE,
      target: this.outcomes[i]!.target,
      detail: { fault: f.name, kind: f.kind, index: i },
    });
  }

  /**
   * Waits, at most `withinMs`, for the heals their windows have begun (a killed broker's restart
   * takes seconds); returns when the last heal completed, if any fault was healed.
   */
  async healsInProgress(withinMs: number): Promise<number | undefined> {
    const running = [...this.healing.values()];
    if (running.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(running), new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)))]);
      clearTimeout(timer);
    }
    const healed = this.outcomes.flatMap((o) => (o.healedAt === undefined ? [] : [o.healedAt]));
    return healed.length === 0 ? undefined : Math.max(...healed);
  }

  /** Waits for every window to finish (after healAll, windows end quickly). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.tasks);
  }

  private async window(f: FaultSpec, i: number, t0: number): Promise<void> {
    try {
      await this.runWindow(f, i, t0);
    } finally {
      this.over[i]!.resolve();
    }
  }

  private async runWindow(f: FaultSpec, i: number, t0: number): Promise<void> {
    await this.sleepUntil(t0 + f.atMs);
    if (this.stopped) return;
    const delayMs = await this.earlierHealed(i, t0 + f.atMs);
    if (this.stopped) return;
    const outcome = this.outcomes[i]!;
    const record = this.options.history;
    try {
      const started = this.now();
      const ctx = this.options.context(faultRandom(this.options.seed, i));
      const injected = await withTimeout(faultFor(f.kind).inject(f as never, ctx), injectBoundMs(f, ctx.topology.brokers.length), `injecting ${f.name}`);
      const done = this.now();
      outcome.target = injected.target;
      outcome.injectedAt = started;
      // stamped with when injection began (a rolling restart takes a minute); an instant fault also says when it was over
      const detail = { kind: f.kind, index: i, ...(injected.heal === undefined ? { completedAt: done } : {}), ...injected.detail };
      record.record({ type: 'event', kind: 'fault-start', time: started, name: f.name, target: injected.target, detail });
      if (injected.heal === undefined) return;
      this.active.set(i, injected.heal);
      if (injected.undoneByTeardown === true) this.undoneByTeardown.add(i);
      // injected while the run was already being torn down (its deadline passed during the kill): left to the teardown, never said healed
      if (this.tearingDown && injected.undoneByTeardown === true) {
        this.leaveToTeardown(i);
        return;
      }
    } catch (e) {
      outcome.error = e instanceof Error ? e.message : String(e);
      record.record({ type: 'event', kind: 'fault-error', time: this.now(), name: f.name, detail: { kind: f.kind, index: i, error: outcome.error } });
      return;
    }
    if (f.healAtMs !== undefined) {
      // a fault begun late keeps the length of its window
      await this.sleepUntil(t0 + f.healAtMs + delayMs);
      await this.heal(i);
    }
  }

  /** Waits (bounded by HEAL_MS) until every fault `i` waits for is over; notes how late that made `i`. */
  private async earlierHealed(i: number, due: number): Promise<number> {
    const earlier = faultsToWaitFor(this.options.faults, i);
    if (earlier.length === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(earlier.map((j) => this.over[j]!.promise)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, HEAL_MS);
      }),
    ]);
    clearTimeout(timer);
    const delayMs = Math.max(0, this.now() - due);
    if (delayMs >= 100) {
      const f = this.options.faults[i]!;
      const waited = earlier.map((j) => this.options.faults[j]!.name);
      this.options.history.record({
        type: 'event',
        kind: 'note',
        time: this.now(),
        name: FAULT_DELAYED_NOTE,
        detail: { fault: f.name, index: i, delayMs, waitedFor: waited },
      });
    }
    return delayMs;
  }

  /** Heals fault `i` if it is active; concurrent callers (its window, healAll) share one attempt. */
  private heal(i: number): Promise<void> {
    const running = this.healing.get(i);
    if (running !== undefined) return running;
    const attempt = this.runHeal(i).finally(() => this.healing.delete(i));
    this.healing.set(i, attempt);
    return attempt;
  }

  private async runHeal(i: number): Promise<void> {
    const heal = this.active.get(i);
    if (heal === undefined) return;
    const f = this.options.faults[i]!;
    const outcome = this.outcomes[i]!;
    const begunAt = this.now();
    try {
      await withTimeout(heal(), HEAL_MS, `healing ${f.name}${outcome.target === undefined ? '' : ` on ${outcome.target}`}`);
      this.active.delete(i);
      outcome.healedAt = this.now();
      this.options.history.record({
        type: 'event',
        kind: 'fault-heal',
        time: outcome.healedAt,
        name: f.name,
        target: outcome.target,
        detail: { kind: f.kind, index: i, begunAt },
      });
    } catch (e) {
      outcome.error = `heal failed: ${e instanceof Error ? e.message : String(e)}`;
      this.options.history.record({
        type: 'event',
        kind: 'fault-error',
        time: this.now(),
        name: f.name,
        detail: { kind: f.kind, index: i, error: outcome.error },
      });
    }
  }

  private async sleepUntil(t: number): Promise<void> {
    while (!this.stopped && this.now() < t) await this.sleep(Math.min(250, t - this.now()));
  }
}
