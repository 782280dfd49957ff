/**
 * The link topology of an environment: which Toxiproxy proxy carries which traffic, and on
 * which loopback address and port everything listens. Pure data, computed from the broker
 * count and the port base; nothing here opens a socket.
 *
 * Port plan (base B, default 29000; broker ids i = 1..9):
 *   B+90+i   client link proxy for broker i   (what clients bootstrap from; advertised on CLIENT)
 *   B+190+i  observer listener of broker i    (direct, no proxy: the harness's own view)
 *   B+290+i  broker i's real CLIENT listener  (only its client link proxy connects here)
 *   B+390+i  broker i's REPLICATION listener  (advertised as kafka-i:B+390+i)
 *   B+490+i  broker i's CONTROLLER listener   (KRaft quorum: kafka-i:B+490+i)
 *   B+474    the Toxiproxy API
 *
 * Broker j reaches broker i's replication and controller listeners through the names kafka-i,
 * which j's own hosts file resolves to 127.0.j.i: the address of the link proxy j→i, which
 * listens there on the same port and forwards to 127.0.0.1. A broker resolves its own name to
 * 127.0.0.1 (no proxy). So every ordered pair of brokers has its own proxy per listener.
 */

export const MAX_BROKERS = 9;
export const LOOPBACK = '127.0.0.1';

export type LinkKind = 'client' | 'replication' | 'controller';

export interface Link {
  /** Toxiproxy proxy name, e.g. `client-to-broker-1`, `broker-1-to-broker-2-replication`. */
  name: string;
  kind: LinkKind;
  /** `client` for client links, else the broker id the traffic comes from. */
  from: 'client' | number;
  to: number;
  /** host:port the proxy listens on. */
  listen: string;
  /** host:port the proxy forwards to. */
  upstream: string;
}

export interface BrokerEndpoints {
  id: number;
  /** Hostname advertised on the replication and controller listeners. */
  hostname: string;
  clientLink: string;
  observer: string;
  client: string;
  replication: string;
  controller: string;
}

/**
 * What faults, the observer and the workload need to know of any environment: its brokers (each
 * with the address the harness reads it at), its links and the Toxiproxy serving them, and the
 * bootstrap addresses. A managed environment's Topology has more (its ports); an external one's
 * comes from the cluster's metadata and the proxies the user declared.
 */
export interface LinkTopology {
  brokers: readonly { id: number; observer: string }[];
  links: Link[];
  /** The Toxiproxy API; empty when the environment has none (an external one without proxies). */
  toxiproxyApi: string;
  /** Comma-separated client bootstrap servers (through the client link proxies). */
  bootstrap: string;
  /** Comma-separated observer bootstrap servers (direct). */
  observer: string;
  /**
   * The Toxiproxy server and its proxies belong to the user (an external environment): streamchaos
   * only adds and removes its own toxics and re-enables what it disabled; it never resets the
   * server and never creates or deletes a proxy.
   */
  userOwned?: boolean;
}

/** The topology of an environment streamchaos starts: every port it listens on. */
export interface Topology extends LinkTopology {
  base: number;
  brokers: BrokerEndpoints[];
}

export function brokerHostname(id: number): string {
  return `kafka-${id}`;
}

/** Loopback address of the link proxy that carries traffic from broker `from` to broker `to`. */
export function peerLinkAddress(from: number, to: number): string {
  return `127.0.${from}.${to}`;
}

export function topology(brokerCount: number, base: number): Topology {
  if (!Number.isInteger(brokerCount) || brokerCount < 1 || brokerCount > MAX_BROKERS) {
    throw new RangeError(`broker count must be 1..${MAX_BROKERS}, got ${brokerCount}`);
  }
  if (base < 1024 || base + 500 > 32768) throw new RangeError(`port base must be 1024..32268, got ${base}`);
  const ids = Array.from({ length: brokerCount }, (_, k) => k + 1);
  const at = (port: number): string => `${LOOPBACK}:${port}`;
  const brokers: BrokerEndpoints[] = ids.map((id) => ({
    id,
    hostname: brokerHostname(id),
    clientLink: at(base + 90 + id),
    observer: at(base + 190 + id),
    client: at(base + 290 + id),
    replication: at(base + 390 + id),
    controller: at(base + 490 + id),
  }));
  const links: Link[] = [];
  for (const b of brokers) {
    links.push({ name: `client-to-broker-${b.id}`, kind: 'client', from: 'client', to: b.id, listen: b.clientLink, upstream: b.client });
  }
  for (const from of ids) {
    for (const to of brokers) {
      if (to.id === from) continue;
      for (const kind of ['replication', 'controller'] as const) {
        const port = (kind === 'replication' ? base + 390 : base + 490) + to.id;
        links.push({
          name: `broker-${from}-to-broker-${to.id}-${kind}`,
          kind,
          from,
          to: to.id,
          listen: `${peerLinkAddress(from, to.id)}:${port}`,
          upstream: kind === 'replication' ? to.replication : to.controller,
        });
      }
    }
  }
  return {
    base,
    brokers,
    links,
    toxiproxyApi: `http://${at(base + 474)}`,
    bootstrap: brokers.map((b) => b.clientLink).join(','),
    observer: brokers.map((b) => b.observer).join(','),
  };
}

/** The hosts file a broker's JVM resolves peer names with (`-Djdk.net.hosts.file`). */
export function hostsFileFor(brokerId: number, topo: Topology): string {
  const lines = topo.brokers.map((b) => (b.id === brokerId ? `${LOOPBACK} ${b.hostname}` : `${peerLinkAddress(brokerId, b.id)} ${b.hostname}`));
  return `# written by streamchaos: broker ${brokerId} reaches each peer through its own link proxy\n${lines.join('\n')}\n`;
}

/** A readable label for a link, as the CLI and reports show it. */
export function linkLabel(link: Link): string {
  const from = link.from === 'client' ? 'clients' : `broker ${link.from}`;
  return link.kind === 'client' ? `${from} → broker ${link.to}` : `${from} → broker ${link.to} (${link.kind})`;
}

/** Links matching a selection; every field given must match. */
export function selectLinks(topo: LinkTopology, select: { from?: 'client' | number; to?: number; kind?: LinkKind }): Link[] {
  return topo.links.filter(
    (l) =>
      (select.from === undefined || l.from === select.from) &&
      (select.to === undefined || l.to === select.to) &&
      (select.kind === undefined || l.kind === select.kind),
  );
}

/**
 * The links to cut so that the brokers in `group` cannot talk to the brokers outside it (both
 * ways, replication and controller traffic). Clients keep reaching every broker.
 */
export function linksBetween(topo: LinkTopology, group: readonly number[], others: readonly number[]): Link[] {
  const inGroup = new Set(group);
  const inOthers = new Set(others);
  return topo.links.filter((l) => l.from !== 'client' && ((inGroup.has(l.from) && inOthers.has(l.to)) || (inOthers.has(l.from) && inGroup.has(l.to))));
}
