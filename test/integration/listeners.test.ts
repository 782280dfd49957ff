import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/network/topology.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import { sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment<Topology>;
beforeAll(async () => {
  env = await sharedCluster();
});

/** A pid and every process below it (a node may be a wrapper around its real program). */
function withDescendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const all: number[] = [];
  const visit = (pid: number): void => {
    all.push(pid);
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return all;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m !== null) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Listening TCP sockets (IPv4 and IPv6) by inode: their local address as `a.b.c.d` or an IPv6 hex string, and port. */
function listeningSockets(): Map<string, { address: string; port: number }> {
  const found = new Map<string, { address: string; port: number }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A') continue; // TCP_LISTEN
      const [hex, port] = cols[1]!.split(':');
      const address =
        hex!.length === 8
          ? Buffer.from(hex!, 'hex').reverse().join('.') // little-endian IPv4
          : hex!;
      found.set(cols[9]!, { address, port: parseInt(port!, 16) });
    }
  }
  return found;
}

/** 127.0.0.0/8, or in IPv6 ::1 and ::ffff:127.x.y.z (as /proc/net/tcp6 writes them, in 32-bit little-endian words). */
function isLoopback(address: string): boolean {
  if (address.includes('.')) return address.startsWith('127.');
  if (address === '00000000000000000000000001000000') return true; // ::1
  return address.startsWith('0000000000000000FFFF0000') && address.endsWith('7F'); // ::ffff:127.*
}

describe('what streamchaos starts listens on loopback only', () => {
  it('every listening socket of the brokers and of Toxiproxy (its API too) is on 127.0.0.0/8', () => {
    const listening = listeningSockets();
    const byNode = env.nodes().map((node) => {
      expect(node.pid, `${node.name} has a pid (process runtime)`).toBeDefined();
      const inodes = new Set(withDescendants(node.pid!).flatMap((pid) => [...socketInodes(pid)]));
      const sockets = [...inodes].flatMap((i) => (listening.has(i) ? [listening.get(i)!] : []));
      return { node: node.name, sockets };
    });

    // what we expect to find: each broker's four listeners, and every link proxy and the API on Toxiproxy
    for (const { node, sockets } of byNode) {
      const ports = sockets.map((s) => s.port);
      if (node === 'toxiproxy') {
        expect(ports).toContain(Number(new URL(env.topology.toxiproxyApi).port));
        expect(sockets.length).toBeGreaterThanOrEqual(env.topology.links.length + 1);
      } else {
        const b = env.topology.brokers.find((x) => `broker-${x.id}` === node)!;
        for (const endpoint of [b.observer, b.client, b.replication, b.controller]) expect(ports).toContain(Number(endpoint.split(':')[1]));
      }
    }
    const exposed = byNode.flatMap(({ node, sockets }) => sockets.filter((s) => !isLoopback(s.address)).map((s) => `${node} on ${s.address}:${s.port}`));
    expect(exposed).toEqual([]);
  });
});
