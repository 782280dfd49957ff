import { execFileSync } from 'node:child_process';
import { Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeKafka } from '../../src/cluster/probe.js';
import { linksBetween, selectLinks } from '../../src/network/topology.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import type { Topology } from '../../src/network/topology.js';
import { sleep, waitFor } from '../../src/util/time.js';
import { testKafka } from '../helpers/kafka-client.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment<Topology>;
beforeAll(async () => {
  env = await sharedCluster();
});
afterEach(async () => restoreCluster(env));

function connects(hostPort: string): Promise<boolean> {
  const colon = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
    s.connect(Number(hostPort.slice(colon + 1)), hostPort.slice(0, colon), () => {
      s.destroy();
      resolve(true);
    });
  });
}

/** Established TCP connections of process `pid` as [local, peer] address pairs (from `ss`). */
function connectionsOf(pid: number): [string, string][] {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map(
      (line) =>
        line
          .trim()
          .split(/\s+/)
          .slice(2, 4)
          .map((a) => a.replace('[::ffff:', '').replace(']', '')) as [string, string],
    );
}

describe('link proxies', () => {
  it('carry every connection a broker opens to a peer: none goes to a peer directly', async () => {
    const peerListeners = new Map<string, number>();
    for (const b of env.topology.brokers) {
      peerListeners.set(b.replication.split(':')[1]!, b.id);
      peerListeners.set(b.controller.split(':')[1]!, b.id);
    }
    let checked = 0;
    for (const node of env.nodes().filter((n) => n.kind === 'broker')) {
      for (const [, peer] of connectionsOf(node.pid!)) {
        const to = peerListeners.get(peer.split(':')[1]!);
        if (to === undefined || to === node.id) continue;
        expect(peer, `${node.name} → broker ${to}`).toBe(`127.0.${node.id}.${to}:${peer.split(':')[1]}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6); // replication fetchers and quorum connections between all pairs
  });

  it('cutting broker 1 from its peers shrinks its partitions’ ISR while clients still reach broker 1', async () => {
    const b1 = env.topology.brokers[0]!;
    const peerLinks = linksBetween(env.topology, [1], [2, 3]);
    const heal = await env.network.cut(peerLinks);

    // its peers cannot reach it (the proxies they dial are gone), and it cannot reach them
    for (const link of peerLinks) expect(await connects(link.listen)).toBe(false);

    // the cluster drops broker 1 from the ISR of every partition (all have RF 3, so all include it)
    const shrunk = await waitFor(
      async () => {
        const ps = await env.observer.partitions(['orders', 'events']);
        return ps.every((p) => !p.isr.includes(1)) ? ps : undefined;
      },
      { what: 'broker 1 to leave every ISR', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(shrunk.every((p) => p.isr.length === 2 && p.leader !== 1)).toBe(true);

    // and no connection between broker 1 and a peer's replication or controller listener
    // survived or was re-opened around the proxies (e.g. to an address learnt from the quorum)
    const b1pid = env.nodes().find((n) => n.name === 'broker-1')!.pid!;
    const peerPorts = new Set(env.topology.brokers.filter((b) => b.id !== 1).flatMap((b) => [b.replication, b.controller].map((a) => a.split(':')[1])));
    expect(connectionsOf(b1pid).filter(([, peer]) => peerPorts.has(peer.split(':')[1]))).toEqual([]);

    // …while a client still reaches broker 1 through its client link
    expect(await probeKafka(b1.clientLink, 2000)).toBe(true);

    await heal();
    await waitFor(async () => (await env.observer.partitions(['orders', 'events'])).every((p) => p.isr.length === 3), {
      what: 'broker 1 to rejoin every ISR after the heal',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });

  it('cutting client → broker 1 does not disturb replication', async () => {
    const [clientLink] = selectLinks(env.topology, { kind: 'client', to: 1 });
    const producer = testKafka(env.topology.bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const heal = await env.network.cut([clientLink!]);
    try {
      expect(await probeKafka(env.topology.brokers[0]!.clientLink, 1000)).toBe(false);
      expect(await probeKafka(env.topology.brokers[0]!.observer, 1000)).toBe(true);
      // longer than replica.lag.time.max.ms (10 s): a follower that could not fetch would drop out
      const until = Date.now() + 13_000;
      let samples = 0;
      let sent = 0;
      while (Date.now() < until) {
        const leaders = await env.observer.partitions(['orders']);
        const notOnBroker1 = leaders.filter((p) => p.leader !== 1).map((p) => p.partition);
        try {
          await producer.send({ topic: 'orders', acks: -1, messages: notOnBroker1.map((partition) => ({ partition, key: 'k', value: `v${sent}` })) });
          sent++;
        } catch {
          // the client library also tries broker 1 (cut for clients) when refreshing metadata
        }
        const ps = await env.observer.partitions(['orders', 'events']);
        expect(ps.filter((p) => p.isr.length !== 3)).toEqual([]);
        expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
        samples++;
        await sleep(500);
      }
      expect(samples).toBeGreaterThan(10);
      expect(sent).toBeGreaterThan(5);
    } finally {
      await producer.disconnect();
      await heal();
    }
  });

  it('black-holes a link with a toxic and removes exactly that toxic on heal', async () => {
    const links = selectLinks(env.topology, { kind: 'client', to: 2 });
    const heal = await env.network.blackhole(links);
    const state = await env.network.state();
    expect(state.find((s) => s.link.name === 'client-to-broker-2')?.toxics.map((t) => t.type)).toEqual(['timeout', 'timeout']);
    expect(await probeKafka(env.topology.brokers[1]!.clientLink, 1500)).toBe(false);
    await heal();
    await heal();
    expect((await env.network.state()).every((s) => s.toxics.length === 0)).toBe(true);
    expect(await probeKafka(env.topology.brokers[1]!.clientLink, 2000)).toBe(true);
  });
});
