import { Toxiproxy, type Proxy, type ToxicType } from 'toxiproxy-node-client';
import type { Link, Topology } from './topology.js';

/** Undoes one network operation. Idempotent: calling it again does nothing. */
export type Heal = () => Promise<void>;

export type ToxicStream = 'upstream' | 'downstream';

interface RawProxy {
  enabled: boolean;
  toxics: { name: string; type: string; stream: string; attributes: Record<string, unknown> }[] | null;
}

export interface LinkState {
  link: Link;
  enabled: boolean;
  toxics: { name: string; type: string; stream: string; attributes: Record<string, unknown> }[];
}

/**
 * The link proxies of one environment on its Toxiproxy server, and the operations on them.
 * Faults ask for links by meaning (see topology.ts: selectLinks, linksBetween), never by port.
 */
export class Network {
  private seq = 0;

  private constructor(
    readonly topology: Topology,
    private readonly api: Toxiproxy,
  ) {}

  /** Creates every link proxy of `topology` on the Toxiproxy server (replacing any of the same name). */
  static async create(topology: Topology): Promise<Network> {
    const api = new Toxiproxy(topology.toxiproxyApi);
    await api.populate(topology.links.map((l) => ({ name: l.name, listen: l.listen, upstream: l.upstream, enabled: true })));
    return new Network(topology, api);
  }

  /** Attaches to link proxies that already exist (e.g. an environment started by `env up`). */
  static attach(topology: Topology): Network {
    return new Network(topology, new Toxiproxy(topology.toxiproxyApi));
  }

  /**
   * Cuts links: their proxies stop listening and drop every open connection, so the traffic's
   * sender sees connections reset and new ones refused. The returned heal re-enables them.
   */
  async cut(links: readonly Link[]): Promise<Heal> {
    await Promise.all(links.map((l) => this.setEnabled(l, false)));
    return once(async () => {
      await Promise.all(links.map((l) => this.setEnabled(l, true)));
    });
  }

  /**
   * Black-holes links: connections stay open (and new ones are accepted) but no byte gets
   * through in either direction, like a dropped route. Peers notice only by their timeouts.
   */
  async blackhole(links: readonly Link[]): Promise<Heal> {
    return this.addToxic(links, 'timeout', { timeout: 0 }, ['upstream', 'downstream']);
  }

  /** Adds a Toxiproxy toxic to each link on the given streams; the heal removes exactly those toxics. */
  async addToxic(
    links: readonly Link[],
    type: ToxicType,
    attributes: Record<string, number>,
    streams: readonly ToxicStream[] = ['downstream'],
    toxicity = 1,
  ): Promise<Heal> {
    const added: { proxy: Proxy; name: string }[] = [];
    try {
      for (const link of links) {
        const proxy = await this.api.get(link.name);
        for (const stream of streams) {
          const name = `streamchaos-${type}-${stream}-${++this.seq}`;
          await proxy.addToxic({ name, type, stream, toxicity, attributes });
          added.push({ proxy, name });
        }
      }
    } catch (e) {
      await removeToxics(added);
      throw e;
    }
    return once(() => removeToxics(added));
  }

  /** Every link proxy as Toxiproxy sees it now (the client library drops toxics, so this reads the API itself). */
  async state(): Promise<LinkState[]> {
    const { data } = await this.api.getApi().get<Record<string, RawProxy>>(`${this.topology.toxiproxyApi}/proxies`);
    return this.topology.links.map((link) => {
      const p = data[link.name];
      return {
        link,
        enabled: p?.enabled ?? false,
        toxics: (p?.toxics ?? []).map((t) => ({ name: t.name, type: t.type, stream: t.stream, attributes: t.attributes })),
      };
    });
  }

  /** Heals everything: every proxy enabled, every toxic removed (Toxiproxy's POST /reset). */
  async healAll(): Promise<void> {
    await this.api.reset();
  }

  private async setEnabled(link: Link, enabled: boolean): Promise<void> {
    const proxy = await this.api.get(link.name);
    await proxy.update({ enabled, listen: link.listen, upstream: link.upstream });
  }
}

async function removeToxics(added: readonly { proxy: Proxy; name: string }[]): Promise<void> {
  await Promise.all(
    added.map(async ({ proxy, name }) => {
      try {
        await proxy.api.delete(`${proxy.getPath()}/toxics/${name}`);
      } catch {
        // already gone (e.g. after a reset): healing twice is fine
      }
    }),
  );
}

/** Wraps an async action so only its first call runs; later calls return the same promise. */
export function once(action: () => Promise<void>): Heal {
  let running: Promise<void> | undefined;
  return () =>
    (running ??= action().catch((e: unknown) => {
      running = undefined; // a heal that failed may be tried again
      throw e;
    }));
}
