import { describe, expect, it, vi } from 'vitest';
import { Timeline } from '../../src/experiment/timeline.js';
import type { FaultContext } from '../../src/faults/fault.js';
import type { HistoryRecorder } from '../../src/history/recorder.js';
import { FAULT_DELAYED_NOTE, LEFT_TO_TEARDOWN_NOTE, type HistoryEntry, type EventEntry } from '../../src/history/types.js';
import type { FaultSpec } from '../../src/schema/experiment.js';

/** A fake clock: sleeping advances time, nothing waits for real. */
function fakeClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += Math.max(1, ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function recorder(): HistoryRecorder & { events: EventEntry[] } {
  const entries: HistoryEntry[] = [];
  return {
    record: (e: HistoryEntry) => void entries.push(e),
    entries: () => entries,
    get events() {
      return entries.filter((e): e is EventEntry => e.type === 'event');
    },
  } as unknown as HistoryRecorder & { events: EventEntry[] };
}

/** A context whose network cut records what it did; broker targets resolve without a cluster. */
function context(log: string[]): (random: FaultContext['random']) => FaultContext {
  const links = [{ name: 'client-to-broker-2', kind: 'client', from: 'client', to: 2, listen: '', upstream: '' }];
  return (random) =>
    ({
      random,
      topology: { brokers: [1, 2, 3].map((id) => ({ id })), links },
      network: {
        cut: async (ls: { name: string }[]) => {
          log.push(`cut ${ls.map((l) => l.name).join(',')}`);
          return async () => void log.push('heal');
        },
      },
    }) as unknown as FaultContext;
}

const isolate = (atMs: number, healAtMs: number): FaultSpec => ({
  name: 'isolate broker-2',
  kind: 'isolate',
  atMs,
  healAtMs,
  target: { type: 'broker', id: 2 },
  from: 'clients',
});

describe('Timeline', () => {
  it('injects at `at` and heals at the heal time, by the injected clock, and records both', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const history = recorder();
    const t = new Timeline({ faults: [isolate(5000, 9000)], seed: 1, history, context: context(log), now: clock.now, sleep: clock.sleep });
    const t0 = clock.now();
    t.start(t0);
    await t.settled();
    expect(log).toEqual(['cut client-to-broker-2', 'heal']);
    const [start, heal] = history.events;
    expect(start).toMatchObject({ kind: 'fault-start', target: expect.stringContaining('broker-2 from clients') });
    expect(start!.time - t0).toBeGreaterThanOrEqual(5000);
    expect(heal!.kind).toBe('fault-heal');
    expect(heal!.time - t0).toBeGreaterThanOrEqual(9000);
    expect(t.results()[0]).toMatchObject({ injectedAt: start!.time, healedAt: heal!.time });
  });

  it('waits for a heal in progress and says when it completed; the heal event says when it began', async () => {
    const log: string[] = [];
    const history = recorder();
    let now = 0;
    let finishHeal: () => void = () => undefined;
    const slowHeal = (random: FaultContext['random']): FaultContext => {
      const ctx = context(log)(random);
      return {
        ...ctx,
        network: {
          cut: async () => async () => {
            now = 12_000; // the heal runs from 9 s to 12 s, as a broker's restart would
            await new Promise<void>((r) => (finishHeal = r));
          },
        },
      } as unknown as FaultContext;
    };
    const t = new Timeline({
      faults: [isolate(0, 9000)],
      seed: 1,
      history,
      context: slowHeal,
      now: () => now,
      sleep: async () => {
        now += 500;
      },
    });
    expect(await t.healsInProgress(10)).toBeUndefined(); // nothing healed yet
    t.start(0);
    while (now < 12_000) await new Promise((r) => setTimeout(r, 1));
    // the heal is running: bounded, it gives up on waiting and reports no completion
    expect(await t.healsInProgress(5)).toBeUndefined();
    setTimeout(() => finishHeal(), 5);
    expect(await t.healsInProgress(5000)).toBe(12_000);
    const heal = history.events.find((e) => e.kind === 'fault-heal');
    expect(heal).toMatchObject({ time: 12_000, detail: { begunAt: 9000 } });
  });

  it('a fault planned after an earlier heal waits until that heal has completed, keeps its window, and says how late it began', async () => {
    const log: string[] = [];
    const history = recorder();
    let now = 0;
    // the first heal (a broker restart, say) takes 6 s: planned at 9 s, complete at 15 s
    const slowFirstHeal = (random: FaultContext['random']): FaultContext => {
      const ctx = context(log)(random);
      let cuts = 0;
      return {
        ...ctx,
        network: {
          cut: async () => {
            const n = ++cuts + log.filter((l) => l.startsWith('cut')).length;
            log.push(`cut at ${now}`);
            return async () => {
              if (n === 1) now += 6000;
              log.push(`healed at ${now}`);
            };
          },
        },
      } as unknown as FaultContext;
    };
    const second = { ...isolate(10_000, 14_000), name: 'isolate broker-2 again' };
    const t = new Timeline({
      faults: [isolate(0, 9000), second],
      seed: 1,
      history,
      context: slowFirstHeal,
      now: () => now,
      sleep: async (ms) => {
        now += Math.max(1, Math.min(ms, 250));
      },
    });
    t.start(0);
    await t.settled();
    const starts = history.events.filter((e) => e.kind === 'fault-start');
    const heals = history.events.filter((e) => e.kind === 'fault-heal');
    expect(heals[0]!.time).toBeGreaterThanOrEqual(15_000);
    // planned at 10 s, it begins once the first heal is over, about 5 s late
    expect(starts[1]!.time).toBeGreaterThanOrEqual(heals[0]!.time);
    const late = history.events.find((e) => e.name === FAULT_DELAYED_NOTE);
    expect(late?.detail).toMatchObject({ fault: 'isolate broker-2 again', index: 1, waitedFor: ['isolate broker-2'] });
    expect(late?.detail?.delayMs).toBe(starts[1]!.time - 10_000);
    // its window keeps its length (4 s), counted from when it began
    expect(heals[1]!.time - starts[1]!.time).toBeGreaterThanOrEqual(4000);
  });

  it('faults the plan overlaps on purpose begin as planned', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const history = recorder();
    const t0 = clock.now();
    const t = new Timeline({
      faults: [isolate(0, 9000), { ...isolate(5000, 7000), name: 'second' }],
      seed: 1,
      history,
      context: context(log),
      now: clock.now,
      sleep: clock.sleep,
    });
    t.start(t0);
    await t.settled();
    const second = history.events.find((e) => e.kind === 'fault-start' && e.name === 'second');
    const firstHeal = history.events.find((e) => e.kind === 'fault-heal' && e.name === 'isolate broker-2');
    expect(second!.time).toBeLessThan(firstHeal!.time);
    expect(history.events.some((e) => e.name === FAULT_DELAYED_NOTE)).toBe(false);
  });

  it('heals whatever is still active when healAll runs (e.g. on Ctrl-C), once, and starts nothing after', async () => {
    const log: string[] = [];
    const history = recorder();
    let now = 0;
    const t = new Timeline({
      faults: [isolate(0, 60_000), isolate(30_000, 40_000)],
      seed: 1,
      history,
      context: context(log),
      now: () => now,
      sleep: () => new Promise((r) => setTimeout(r, 1)),
    });
    t.start(0);
    while (log.length === 0) await new Promise((r) => setTimeout(r, 1));
    await Promise.all([t.healAll(), t.healAll()]);
    now = 100_000;
    await t.settled();
    expect(log).toEqual(['cut client-to-broker-2', 'heal']);
    expect(history.events.filter((e) => e.kind === 'fault-heal')).toHaveLength(1);
    expect(t.results()[1]?.injectedAt).toBeUndefined();
  });

  it('ending early (tearingDown), leaves a killed broker to the teardown instead of restarting it, and still heals the links', async () => {
    const log: string[] = [];
    const history = recorder();
    let now = 0;
    const withBrokers = (random: FaultContext['random']): FaultContext => {
      const ctx = context(log)(random);
      return {
        ...ctx,
        env: {
          kill: async (node: string) => void log.push(`kill ${node}`),
          restart: async (node: string) => void log.push(`restart ${node}`),
        },
      } as unknown as FaultContext;
    };
    const kill: FaultSpec = { name: 'kill broker-3', kind: 'broker-kill', atMs: 0, healAtMs: 60_000, target: { type: 'broker', id: 3 } };
    const t = new Timeline({
      faults: [kill, isolate(0, 60_000)],
      seed: 1,
      history,
      context: withBrokers,
      now: () => now,
      sleep: () => new Promise((r) => setTimeout(r, 1)),
    });
    t.start(0);
    while (log.length < 2) await new Promise((r) => setTimeout(r, 1));
    await t.healAll({ tearingDown: true });
    now = 100_000;
    await t.settled();
    expect(log.sort()).toEqual(['cut client-to-broker-2', 'heal', 'kill broker-3']);
    const note = history.events.find((e) => e.kind === 'note');
    expect(note).toMatchObject({ name: LEFT_TO_TEARDOWN_NOTE, target: 'broker-3', detail: { fault: 'kill broker-3', index: 0 } });
    expect(history.events.filter((e) => e.kind === 'fault-heal').map((e) => e.name)).toEqual(['isolate broker-2']);
    expect(t.results()[0]?.healedAt).toBeUndefined(); // not healed, and not said to be

    // the same run ending normally restarts it
    const log2: string[] = [];
    const ctx2 = (random: FaultContext['random']): FaultContext =>
      ({
        ...withBrokers(random),
        env: { kill: async () => void log2.push('kill'), restart: async () => void log2.push('restart') },
      }) as unknown as FaultContext;
    const t2 = new Timeline({ faults: [kill], seed: 1, history: recorder(), context: ctx2, now: () => 0, sleep: () => new Promise((r) => setTimeout(r, 1)) });
    t2.start(0);
    while (log2.length < 1) await new Promise((r) => setTimeout(r, 1));
    await t2.healAll();
    expect(log2).toEqual(['kill', 'restart']);
  });

  it('a broker killed while the run is already torn down (the deadline passed during the kill) is left to the teardown, never said healed', async () => {
    const history = recorder();
    let killed: () => void = () => undefined;
    const restarts: string[] = [];
    const ctx = (random: FaultContext['random']): FaultContext =>
      ({
        ...context([])(random),
        env: {
          kill: () => new Promise<void>((resolve) => (killed = resolve)),
          restart: async (node: string) => void restarts.push(node),
        },
      }) as unknown as FaultContext;
    const kill: FaultSpec = { name: 'kill broker-3', kind: 'broker-kill', atMs: 0, healAtMs: 60_000, target: { type: 'broker', id: 3 } };
    const t = new Timeline({ faults: [kill], seed: 1, history, context: ctx, now: () => 0, sleep: () => new Promise((r) => setTimeout(r, 1)) });
    t.start(0);
    await new Promise((r) => setTimeout(r, 10)); // the kill is under way…
    await t.healAll({ tearingDown: true }); // …when the deadline's teardown begins
    killed();
    await t.settled();
    expect(restarts).toEqual([]);
    expect(history.events.map((e) => e.kind)).toEqual(['fault-start', 'note']);
    expect(history.events[1]).toMatchObject({ name: LEFT_TO_TEARDOWN_NOTE, target: 'broker-3' });
  });

  it('tearing down, waits for a heal in progress a little only', async () => {
    const history = recorder();
    const ctx = (random: FaultContext['random']): FaultContext =>
      ({ ...context([])(random), env: { kill: async () => undefined, restart: () => new Promise<void>(() => undefined) } }) as unknown as FaultContext;
    const kill: FaultSpec = { name: 'kill broker-3', kind: 'broker-kill', atMs: 0, healAtMs: 0, target: { type: 'broker', id: 3 } };
    vi.useFakeTimers();
    try {
      const t = new Timeline({ faults: [kill], seed: 1, history, context: ctx, now: () => 0, sleep: async () => undefined });
      t.start(0);
      await vi.advanceTimersByTimeAsync(1); // injected, and its window's heal (a restart that never ends) begun
      let done = false;
      void t.healAll({ tearingDown: true }).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(14_999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('records a fault that fails to inject and goes on with the others', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const history = recorder();
    const bad: FaultSpec = { name: 'kill a processor', kind: 'processor-kill', atMs: 0, healAtMs: 1000, target: { type: 'processor', instance: 1 } };
    const t = new Timeline({ faults: [bad, isolate(10, 20)], seed: 1, history, context: context(log), now: clock.now, sleep: clock.sleep });
    t.start(clock.now());
    await t.settled();
    expect(history.events.map((e) => e.kind)).toEqual(['fault-error', 'fault-start', 'fault-heal']);
    expect(t.results()[0]?.error).toBe('this experiment runs no processor to target');
  });
});
