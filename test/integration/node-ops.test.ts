import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { probeKafka } from '../../src/cluster/probe.js';
import { silentProgress } from '../../src/provision/progress.js';
import { connectEngine } from '../../src/runtime/docker/engine.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import type { NodeInfo, StartedEnvironment } from '../../src/runtime/runtime.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { waitFor } from '../../src/util/time.js';
import { restoreCluster, sharedCluster, SHARED_ENVIRONMENT } from '../helpers/shared-cluster.js';

const engine = await connectEngine(process.env, 3000).catch(() => undefined);
const dockerRequired = process.env.CI_REQUIRE_DOCKER === '1';

/** The same cluster as containers, on other ports (base 26000), for the docker runtime's node operations. */
async function dockerCluster(): Promise<StartedEnvironment> {
  expect(engine, 'no Docker engine answers: .ci/run starts one with scripts/dockerd.sh').toBeDefined();
  const spec = parseEnvironment(
    SHARED_ENVIRONMENT.replace('base: 27000', 'base: 26000').replace('name: shared-test', 'name: shared-docker'),
    'shared-docker.yaml',
  );
  return new DockerRuntime(engine).up(spec, { dir: join(inject('testRoot'), 'shared-docker'), progress: silentProgress, owner: 'node-ops-test' });
}

/** What identifies this incarnation of a node: its pid, or (a container keeps its id across restarts) nothing more than that it runs. */
const identity = (n: NodeInfo): string | undefined => (n.pid === undefined ? undefined : `pid ${n.pid}`);

describe.each([
  { runtime: 'process', start: sharedCluster, stop: async () => undefined, skip: false },
  { runtime: 'docker', start: dockerCluster, stop: (env: StartedEnvironment) => env.down(), skip: engine === undefined && !dockerRequired },
])('operations on brokers ($runtime runtime), observed through the observer', ({ runtime, start, stop, skip }) => {
  let env: StartedEnvironment;
  beforeAll(async () => {
    if (!skip) env = await start();
  });
  afterAll(async () => {
    if (!skip && env !== undefined) await stop(env);
  });
  afterEach(async () => {
    if (!skip) await restoreCluster(env);
  });

  const node = (name: string) => env.nodes().find((n) => n.name === name)!;
  const observerOf = (id: number) => env.topology.brokers.find((b) => b.id === id)!.observer;

  it.skipIf(skip)('kill: the node is gone, the cluster fences it and moves its leaders; restart brings it back', async () => {
    expect(env.runtime).toBe(runtime);
    const before = identity(node('broker-2'));
    await env.kill('broker-2');
    if (runtime === 'process') expect(() => process.kill(Number(before!.slice(4)), 0)).toThrow();
    expect(node('broker-2').running).toBe(false);
    expect(await probeKafka(observerOf(2), 500)).toBe(false);
    await waitFor(async () => !(await env.observer.liveBrokers()).includes(2), { what: 'broker 2 to be fenced', timeoutMs: 30_000 });
    const after = await env.observer.partitions(['orders', 'events']);
    expect(after.filter((p) => p.leader === 2)).toEqual([]);
    expect(after.every((p) => !p.isr.includes(2))).toBe(true);

    await env.restart('broker-2');
    expect(node('broker-2').running).toBe(true);
    if (runtime === 'process') expect(identity(node('broker-2'))).not.toBe(before);
    expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
  });

  it.skipIf(skip)('pause (SIGSTOP, docker pause): it stops answering and is fenced; resume: it answers and registers again', async () => {
    await env.pause('broker-3');
    expect(await probeKafka(observerOf(3), 1000)).toBe(false);
    await waitFor(async () => !(await env.observer.liveBrokers()).includes(3), { what: 'paused broker 3 to be fenced', timeoutMs: 30_000 });
    await env.resume('broker-3');
    expect(await probeKafka(observerOf(3), 1000)).toBe(true);
    await waitFor(async () => (await env.observer.liveBrokers()).includes(3), { what: 'broker 3 to register again', timeoutMs: 30_000 });
  });

  it.skipIf(skip)('terminate (SIGTERM, docker stop): a controlled shutdown hands its leaderships over before the node exits', async () => {
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

  it.skipIf(skip)('restart of a running broker: it comes back registered and catches up', async () => {
    const before = identity(node('broker-3'));
    await env.restart('broker-3');
    if (runtime === 'process') expect(identity(node('broker-3'))).not.toBe(before);
    expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
    await waitFor(async () => (await env.observer.partitions(['orders', 'events'])).every((p) => p.isr.includes(3)), {
      what: 'broker 3 to rejoin every ISR',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
  });

  it.skipIf(skip)('names the nodes it knows when asked for one it does not', async () => {
    await expect(env.kill('broker-7')).rejects.toThrow(`no node named 'broker-7' in environment ${env.spec.name} (its brokers: broker-1, broker-2, broker-3)`);
  });
});
