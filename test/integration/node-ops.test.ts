import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeKafka } from '../../src/cluster/probe.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import { waitFor } from '../../src/util/time.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment;
beforeAll(async () => {
  env = await sharedCluster();
});
afterEach(async () => restoreCluster(env));

const node = (name: string) => env.nodes().find((n) => n.name === name)!;
const observerOf = (id: number) => env.topology.brokers.find((b) => b.id === id)!.observer;

describe('operations on brokers, observed through the observer', () => {
  it('kill (SIGKILL): the process is gone, the cluster fences it and moves its leaders; restart brings it back', async () => {
    const pid = node('broker-2').pid!;
    await env.kill('broker-2');
    expect(() => process.kill(pid, 0)).toThrow();
    expect(node('broker-2').running).toBe(false);
    expect(await probeKafka(observerOf(2), 500)).toBe(false);
    await waitFor(async () => !(await env.observer.liveBrokers()).includes(2), { what: 'broker 2 to be fenced', timeoutMs: 30_000 });
    const after = await env.observer.partitions(['orders', 'events']);
    expect(after.filter((p) => p.leader === 2)).toEqual([]);
    expect(after.every((p) => !p.isr.includes(2))).toBe(true);

    await env.restart('broker-2');
    expect(node('broker-2').pid).not.toBe(pid);
    expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
  });

  it('pause (SIGSTOP): it stops answering and is fenced; resume (SIGCONT): it answers and registers again', async () => {
    await env.pause('broker-3');
    expect(await probeKafka(observerOf(3), 1000)).toBe(false);
    await waitFor(async () => !(await env.observer.liveBrokers()).includes(3), { what: 'paused broker 3 to be fenced', timeoutMs: 30_000 });
    await env.resume('broker-3');
    expect(await probeKafka(observerOf(3), 1000)).toBe(true);
    await waitFor(async () => (await env.observer.liveBrokers()).includes(3), { what: 'broker 3 to register again', timeoutMs: 30_000 });
  });

  it('terminate (SIGTERM): a controlled shutdown hands its leaderships over before the process exits', async () => {
    await env.terminate('broker-1');
    expect(node('broker-1').running).toBe(false);
    const ps = await waitFor(
      async () => {
        const live = await env.observer.liveBrokers();
        return live.includes(1) ? undefined : env.observer.partitions(['orders', 'events']);
      },
      { what: 'broker 1 to leave the cluster', timeoutMs: 30_000 },
    );
    expect(ps.every((p) => p.leader !== 1 && p.leader > 0)).toBe(true);
  });

  it('restart of a running broker: it comes back registered and catches up', async () => {
    const pid = node('broker-3').pid!;
    await env.restart('broker-3');
    expect(node('broker-3').pid).not.toBe(pid);
    expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
    await waitFor(async () => (await env.observer.partitions(['orders', 'events'])).every((p) => p.isr.includes(3)), {
      what: 'broker 3 to rejoin every ISR',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
  });

  it('names the nodes it knows when asked for one it does not', async () => {
    await expect(env.kill('broker-7')).rejects.toThrow("no node named 'broker-7' in environment shared-test (its brokers: broker-1, broker-2, broker-3)");
  });
});
