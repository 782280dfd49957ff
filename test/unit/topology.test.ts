import { describe, expect, it } from 'vitest';
import { hostsFileFor, linksBetween, linkLabel, selectLinks, topology } from '../../src/network/topology.js';

describe('link topology', () => {
  const topo = topology(3, 29000);

  it('has one client link per broker and one link per ordered broker pair and listener', () => {
    expect(selectLinks(topo, { kind: 'client' }).map((l) => l.name)).toEqual(['client-to-broker-1', 'client-to-broker-2', 'client-to-broker-3']);
    expect(selectLinks(topo, { kind: 'replication' })).toHaveLength(6);
    expect(selectLinks(topo, { kind: 'controller' })).toHaveLength(6);
    expect(topo.links).toHaveLength(3 + 12);
    expect(new Set(topo.links.map((l) => l.name)).size).toBe(topo.links.length);
    expect(new Set(topo.links.map((l) => l.listen)).size).toBe(topo.links.length);
  });

  it('puts every address on loopback and every port below the ephemeral range', () => {
    const addresses = [
      ...topo.links.flatMap((l) => [l.listen, l.upstream]),
      ...topo.brokers.flatMap((b) => [b.observer, b.client, b.replication, b.controller]),
    ];
    for (const a of addresses) {
      const [host, port] = [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))];
      expect(host).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(port).toBeLessThan(32768);
      expect(port).toBeGreaterThanOrEqual(1024);
    }
    expect(new URL(topo.toxiproxyApi).hostname).toBe('127.0.0.1');
  });

  it('routes broker 1 → broker 2 replication through 127.0.1.2 to broker 2 itself', () => {
    const [link] = selectLinks(topo, { from: 1, to: 2, kind: 'replication' });
    expect(link).toMatchObject({ name: 'broker-1-to-broker-2-replication', listen: '127.0.1.2:29392', upstream: '127.0.0.1:29392' });
    expect(linkLabel(link!)).toBe('broker 1 → broker 2 (replication)');
  });

  it("resolves peers to the link proxies and a broker's own name to itself", () => {
    const hosts = hostsFileFor(2, topo);
    expect(hosts).toContain('127.0.2.1 kafka-1');
    expect(hosts).toContain('127.0.0.1 kafka-2');
    expect(hosts).toContain('127.0.2.3 kafka-3');
  });

  it('cuts both directions and both listeners between groups, never client links', () => {
    const cut = linksBetween(topo, [1], [2, 3]);
    expect(cut).toHaveLength(8);
    expect(cut.every((l) => l.from !== 'client')).toBe(true);
    expect(cut.every((l) => l.from === 1 || l.to === 1)).toBe(true);
    expect(cut.some((l) => l.from === 2 && l.to === 3)).toBe(false);
  });

  it('client bootstrap goes through the link proxies; the observer does not', () => {
    expect(topo.bootstrap).toBe('127.0.0.1:29091,127.0.0.1:29092,127.0.0.1:29093');
    expect(topo.observer).toBe('127.0.0.1:29191,127.0.0.1:29192,127.0.0.1:29193');
  });

  it('rejects sizes and port bases it cannot lay out', () => {
    expect(() => topology(0, 29000)).toThrow(/1\.\.9/);
    expect(() => topology(10, 29000)).toThrow(/1\.\.9/);
    expect(() => topology(3, 32500)).toThrow(/port base/);
  });
});
