import { describe, expect, it } from 'vitest';
import type { Observer } from '../../src/cluster/observer.js';
import { DeadlineError } from '../../src/errors.js';
import { Timeline } from '../../src/experiment/timeline.js';
import type { FaultContext } from '../../src/faults/fault.js';
import type { HistoryEntry, EventEntry } from '../../src/history/types.js';
import type { HistoryRecorder } from '../../src/history/recorder.js';
import type { Network } from '../../src/network/network.js';
import type { Topology } from '../../src/network/topology.js';
import { type BrokerNode, NodeEnvironment } from '../../src/runtime/node-environment.js';
import type { NodeExit } from '../../src/runtime/runtime.js';
import type { EnvironmentSpec } from '../../src/schema/environment.js';
import type { FaultSpec } from '../../src/schema/experiment.js';
import { Cleanup } from '../../src/util/cleanup-stack.js';
import { runWithDeadline } from '../../src/util/deadline.js';

/*
 * After a deadline (or Ctrl-C) the teardown must end within its bound whatever it waits on: a
 * heal whose broker never registers again, a clean broker stop that waits for peers that are
 * gone, a workload part that never stops. Fakes that hang forever stand in for each, on a real
 * Cleanup, Timeline and NodeEnvironment, with real (short) clocks.
 */

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const elapsedSince = (t: number): number => Date.now() - t;

/** A broker as a runtime runs it; `deaf` ones ignore SIGTERM (a controlled shutdown waiting for a quorum that is gone). */
class FakeBroker implements BrokerNode {
  readonly where = 'fake';
  readonly log = '/dev/null';
  running = true;
  exited!: Promise<NodeExit>;
  private exit: (e: NodeExit) => void = () => undefined;

  constructor(
    readonly name: string,
    private readonly did: string[],
    private readonly deaf = false,
  ) {
    this.arm();
  }

  async kill(): Promise<void> {
    this.did.push(`kill ${this.name}`);
    this.die('SIGKILL');
  }

  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.did.push(`stop ${this.name}`);
    if (!this.deaf) return this.die('SIGTERM');
    await new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    this.die('SIGKILL');
  }

  async start(): Promise<void> {
    this.did.push(`start ${this.name}`);
    this.running = true;
    this.arm();
  }

  async pause(): Promise<void> {}
  async resume(): Promise<void> {}
  async tail(): Promise<string> {
    return '';
  }
  describeExit(): string {
    return this.running ? 'running' : 'gone';
  }

  private arm(): void {
    this.exited = new Promise((resolve) => (this.exit = resolve));
  }

  private die(signal: NodeJS.Signals): void {
    if (!this.running) return;
    this.running = false;
    this.exit({ code: null, signal });
  }
}

/** Three fake brokers behind a NodeEnvironment whose observer never answers, torn down (its own Cleanup) as the process runtime does. */
function environment(did: string[], deaf: number[] = []) {
  const brokers = new Map([1, 2, 3].map((id) => [id, new FakeBroker(`broker-${id}`, did, deaf.includes(id))]));
  const cleanup = new Cleanup();
  let env: NodeEnvironment | undefined;
  cleanup.defer('brokers', () => Promise.all([...brokers.values()].map((b) => (env?.hurried === true ? b.kill() : b.stop(2000)))));
  const observer = { liveBrokers: () => never(), view: () => never(), close: async () => undefined } as unknown as Observer;
  env = new NodeEnvironment({
    runtime: 'fake',
    spec: { name: 'fake-3' } as EnvironmentSpec,
    // a closed loopback port: a probe of a killed broker is refused at once
    topology: { brokers: [1, 2, 3].map((id) => ({ id, observer: '127.0.0.1:1' })), links: [] } as unknown as Topology,
    network: { healAll: async () => void did.push('links healed') } as unknown as Network,
    observer,
    dir: '/nonexistent',
    brokers,
    toxiproxy: new FakeBroker('toxiproxy', did),
    startProcessor: () => never(),
    images: {},
    cleanup,
  });
  return { env, brokers };
}

function recorder(): HistoryRecorder & { events: () => EventEntry[] } {
  const entries: HistoryEntry[] = [];
  return {
    record: (e: HistoryEntry) => void entries.push(e),
    entries: () => entries,
    events: () => entries.filter((e): e is EventEntry => e.type === 'event'),
  } as unknown as HistoryRecorder & { events: () => EventEntry[] };
}

describe('Cleanup, bounded', () => {
  it('an undo that never ends does not hold up the ones after it', async () => {
    const order: string[] = [];
    const c = new Cleanup();
    c.defer('environment', () => void order.push('environment'));
    c.defer('sampler', () => never());
    c.defer('faults', () => void order.push('faults'));
    const began = Date.now();
    const errors = await c.run((l) => void order.push(l), { stepMs: 200 });
    expect(elapsedSince(began)).toBeLessThan(1000);
    expect(order).toEqual(['cleanup: faults', 'faults', 'cleanup: sampler', 'cleanup: environment', 'environment']);
    expect(errors.map((e) => e.message)).toEqual(['cleanup of sampler did not finish within 200 ms; went on without it']);
  });

  it('out of its total time, begins every undo left at once and returns', async () => {
    const begun: string[] = [];
    const c = new Cleanup();
    c.defer('environment', () => {
      begun.push('environment');
      return never();
    });
    c.defer('watcher', () => {
      begun.push('watcher');
      return never();
    });
    c.defer('faults', () => never());
    const began = Date.now();
    const errors = await c.run(undefined, { stepMs: 10_000, totalMs: 300 });
    expect(elapsedSince(began)).toBeLessThan(1000);
    expect(begun).toEqual(['watcher', 'environment']); // SIGKILLs go out even when nobody waits for them
    expect(errors.map((e) => e.message)).toEqual([
      'cleanup of faults did not finish within 300 ms; went on without it',
      'cleanup ran out of its 300 ms: watcher, environment begun and not awaited',
    ]);
    expect(c.size).toBe(0);
  });

  it('a second run while the first unwinds waits for it instead of taking steps from under it', async () => {
    const order: string[] = [];
    const c = new Cleanup();
    c.defer('environment', () => void order.push('environment'));
    c.defer('faults', () => new Promise((resolve) => setTimeout(resolve, 50)).then(() => void order.push('faults')));
    const [first, second] = await Promise.all([c.run(), c.run()]);
    expect(order).toEqual(['faults', 'environment']);
    expect([first, second]).toEqual([[], []]);
  });
});

describe('runWithDeadline with a teardown', () => {
  it('surfaces the DeadlineError within the teardown bound when the teardown hangs', async () => {
    const began = Date.now();
    let passedSeen: boolean | undefined;
    const run = runWithDeadline(() => never(), {
      ms: 100,
      phase: () => 'running load for 1m15s with 1 fault',
      teardown: (passed) => {
        passedSeen = passed;
        return never();
      },
      teardownMs: 200,
    });
    await expect(run).rejects.toBeInstanceOf(DeadlineError);
    expect(passedSeen).toBe(true);
    expect(elapsedSince(began)).toBeGreaterThanOrEqual(290);
    expect(elapsedSince(began)).toBeLessThan(1500);
  });

  it('when the body settles in time, waits for the whole teardown, then resolves or rejects as the body did', async () => {
    const order: string[] = [];
    const teardown = async (passed: boolean): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`teardown ${passed}`);
    };
    await expect(runWithDeadline(async () => 7, { ms: 10_000, phase: () => 'x', teardown, teardownMs: 10 })).resolves.toBe(7);
    await expect(runWithDeadline(async () => Promise.reject(new Error('boom')), { ms: 10_000, phase: () => 'x', teardown })).rejects.toThrow('boom');
    expect(order).toEqual(['teardown false', 'teardown false']);
  });
});

describe('NodeEnvironment, torn down', () => {
  it('a restart whose clean stop waits for peers that are gone becomes a kill when the teardown begins, and starts nothing', async () => {
    const did: string[] = [];
    const { env, brokers } = environment(did, [2]);
    const restart = env.restart('broker-2').then(
      () => 'restarted',
      (e: unknown) => (e as Error).message,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(did).toEqual(['stop broker-2']); // SIGTERM sent; the controlled shutdown would wait up to a minute
    const began = Date.now();
    env.windDown();
    expect(await restart).toBe('broker-2 was stopped and not started again: the environment is being torn down');
    expect(elapsedSince(began)).toBeLessThan(500);
    expect(did).toEqual(['stop broker-2', 'kill broker-2']);
    expect(brokers.get(2)?.running).toBe(false);
  });

  it('a restart waiting for its broker to register gives up the moment the teardown begins, even while the observer hangs', async () => {
    const did: string[] = [];
    const { env } = environment(did);
    const restart = env.restart('broker-1').then(
      () => 'restarted',
      (e: unknown) => (e as Error).message,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(did).toEqual(['stop broker-1', 'start broker-1']);
    const began = Date.now();
    await env.down();
    expect(await restart).toBe('broker-1 was started again, but the environment is being torn down: not waiting for it to register');
    expect(elapsedSince(began)).toBeLessThan(500);
  });
});

describe('the teardown after a deadline, as the runner orders it', () => {
  it('ends within its bound with a heal in progress that never completes and a workload part that never stops; every broker is killed, no heal is claimed', async () => {
    const did: string[] = [];
    const history = recorder();
    const { env, brokers } = environment(did);
    // a killed broker whose heal (a restart) begins before the deadline: the broker never registers again
    const kill: FaultSpec = { name: 'crash broker-3', kind: 'broker-kill', atMs: 0, healAtMs: 50, target: { type: 'broker', id: 3 } };
    const timeline = new Timeline({
      faults: [kill],
      seed: 1,
      history,
      context: (random) =>
        ({ env, network: env.network, topology: env.topology, observer: env.observer, history, random, log: () => undefined }) as FaultContext,
    });
    timeline.start(Date.now());
    while (!did.includes('start broker-3')) await new Promise((resolve) => setTimeout(resolve, 5));

    // the run's cleanup stack: environment first on, the faults last
    const cleanup = new Cleanup();
    cleanup.defer('environment', () => env.down());
    cleanup.defer('sampler', () => never()); // a reading that never returns
    cleanup.defer('faults', async () => {
      env.windDown();
      await timeline.healAll({ tearingDown: true });
      await env.network.healAll();
    });
    const began = Date.now();
    const errors = await cleanup.run(undefined, { stepMs: 300, totalMs: 2000 });
    const took = elapsedSince(began);

    expect(took).toBeLessThan(1500); // not the heal's 3 minutes, nor the restart's minute of waiting to register
    expect(errors.map((e) => e.message)).toEqual(['cleanup of sampler did not finish within 300 ms; went on without it']);
    expect(did.slice(did.indexOf('start broker-3') + 1)).toEqual(['links healed', 'kill broker-1', 'kill broker-2', 'kill broker-3']);
    expect([...brokers.values()].map((b) => b.running)).toEqual([false, false, false]);
    const events = history.events();
    expect(events.some((e) => e.kind === 'fault-heal')).toBe(false);
    expect(events.find((e) => e.kind === 'fault-error')?.detail).toMatchObject({ error: expect.stringContaining('not waiting for it to register') });
    await timeline.settled();
  });
});
