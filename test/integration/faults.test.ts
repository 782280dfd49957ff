import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { activeController } from '../../src/cluster/roles.js';
import type { FaultContext } from '../../src/faults/fault.js';
import { faultFor } from '../../src/faults/registry.js';
import { resolveBroker } from '../../src/faults/targets.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import type { FaultSpec } from '../../src/schema/experiment.js';
import { Random } from '../../src/util/random.js';
import { testKafka } from '../helpers/kafka-client.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment;
let ctx: FaultContext;
beforeAll(async () => {
  env = await sharedCluster();
  ctx = {
    env,
    network: env.network,
    topology: env.topology,
    observer: env.observer,
    history: new HistoryRecorder(join(inject('testRoot'), 'faults-history.jsonl')),
    random: new Random(1),
    log: () => undefined,
  };
});
afterEach(async () => restoreCluster(env));

const base = { name: 'test', atMs: 0, healAtMs: 1000 };
const broker2 = { type: 'broker', id: 2 } as const;

describe('network faults put the right toxics on the right links, and their heal removes exactly those', () => {
  const cases: [FaultSpec, string, number][] = [
    [{ ...base, kind: 'latency', target: broker2, links: 'clients', latencyMs: 100, jitterMs: 10 }, 'latency', 1],
    [{ ...base, kind: 'bandwidth', target: broker2, links: 'peers', rateKBps: 16 }, 'bandwidth', 8],
    [{ ...base, kind: 'blackhole', target: broker2, links: 'all' }, 'timeout', 9],
    [{ ...base, kind: 'reset-peer', target: broker2, links: 'clients', timeoutMs: 0 }, 'reset_peer', 1],
    [{ ...base, kind: 'slow-close', target: broker2, links: 'clients', delayMs: 500 }, 'slow_close', 1],
    [{ ...base, kind: 'slicer', target: broker2, links: 'clients', averageSize: 64, sizeVariation: 8, delayUs: 10 }, 'slicer', 1],
    [{ ...base, kind: 'limit-data', target: broker2, links: 'clients', bytes: 4096 }, 'limit_data', 1],
  ];
  for (const [spec, toxic, linkCount] of cases) {
    it(`${spec.kind}`, async () => {
      const injected = await faultFor(spec.kind).inject(spec as never, ctx);
      const affected = (await env.network.state()).filter((s) => s.toxics.length > 0);
      expect(affected).toHaveLength(linkCount);
      for (const s of affected) {
        expect(s.link.from === 2 || s.link.to === 2).toBe(true);
        expect(s.toxics.map((t) => `${t.type}/${t.stream}`).sort()).toEqual([`${toxic}/downstream`, `${toxic}/upstream`]);
      }
      await injected.heal?.();
      await injected.heal?.();
      expect((await env.network.state()).every((s) => s.toxics.length === 0 && s.enabled)).toBe(true);
    });
  }

  it('split cuts every link between the groups and no other; cut is one-way', async () => {
    const split = await faultFor('split').inject({ ...base, kind: 'split', groups: [[1], [2, 3]] }, ctx);
    const disabled = (await env.network.state())
      .filter((s) => !s.enabled)
      .map((s) => s.link.name)
      .sort();
    expect(disabled).toHaveLength(8);
    expect(disabled.every((n) => n.includes('broker-1-') || n.includes('-broker-1-'))).toBe(true);
    await split.heal?.();
    const cut = await faultFor('cut').inject({ ...base, kind: 'cut', from: { type: 'broker', id: 3 }, to: broker2 }, ctx);
    expect(
      (await env.network.state())
        .filter((s) => !s.enabled)
        .map((s) => s.link.name)
        .sort(),
    ).toEqual(['broker-3-to-broker-2-controller', 'broker-3-to-broker-2-replication']);
    await cut.heal?.();
    expect((await env.network.state()).every((s) => s.enabled)).toBe(true);
  });
});

describe('targets resolve through the observer at the moment of injection', () => {
  it('the leader of a partition, the active controller, a group coordinator', async () => {
    const leader = (await env.observer.partitions(['orders'])).find((p) => p.partition === 0)!.leader;
    expect(await resolveBroker({ type: 'leader', topic: 'orders', partition: 0 }, ctx)).toBe(leader);
    const follower = await resolveBroker({ type: 'follower', topic: 'orders', partition: 0 }, ctx);
    expect(follower).not.toBe(leader);

    const controller = await resolveBroker({ type: 'controller' }, ctx);
    for (const b of env.topology.brokers) expect(await activeController(b.observer)).toBe(controller);

    const consumer = testKafka(env.topology.bootstrap).consumer({ groupId: 'target-test' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders' });
    void consumer.run({ eachMessage: async () => undefined });
    const coordinator = await resolveBroker({ type: 'group-coordinator', group: 'target-test' }, ctx);
    const described = await env.observer.partitions(['__consumer_offsets']);
    expect(described.some((p) => p.leader === coordinator)).toBe(true);
    await consumer.disconnect();
  });

  it('the active controller, killed, is replaced by another', async () => {
    const before = await resolveBroker({ type: 'controller' }, ctx);
    const injected = await faultFor('broker-kill').inject({ ...base, kind: 'broker-kill', target: { type: 'controller' } }, ctx);
    expect(injected.target).toBe(`broker-${before}`);
    const after = await resolveBroker({ type: 'controller' }, ctx);
    expect(after).not.toBe(before);
    await injected.heal?.();
  });
});
