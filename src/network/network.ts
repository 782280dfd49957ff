import { hostname } from 'node:os';
import { Toxiproxy, type Proxy as ToxiproxyProxy, type ToxicType } from 'toxiproxy-node-client';
import { TimeoutError } from '../errors.js';
import { pidAlive } from '../util/processes.js';
import { withTimeout } from '../util/time.js';
import type { Link, LinkTopology, Topology } from './topology.js';

/** A Toxiproxy API call answers in milliseconds; its client has no timeout of its own (fetch waits up to 5 minutes). */
const API_MS = 10_000;
/** Creating every link proxy at once (dozens of listeners) takes longer on a slow machine. */
const POPULATE_MS = 30_000;

/** Every toxic streamchaos adds is named with this prefix, so it can tell its own from the user's. */
export const OUR_TOXIC_PREFIX = 'streamchaos-';

/**
 * This harness's toxics: `streamchaos-<host>-<pid>-…`. On a Toxiproxy that several harnesses
 * share (a user's), each removes its own, and those of a harness on this host that has died;
 * never a live one's, nor one on another host (it cannot tell whether that one is alive).
 */
const OWNER = `${OUR_TOXIC_PREFIX}${hostname().replace(/[^A-Za-z0-9.]/g, '_')}-${process.pid}-`;

/** Whether a toxic of that name is ours to remove: this harness's, or a dead harness's of this host. */
export function toxicIsOursToRemove(name: string, host = hostname(), alive: (pid: number) => boolean = pidAlive): boolean {
  if (!name.startsWith(OUR_TOXIC_PREFIX)) return false;
  if (name.startsWith(OWNER)) return true;
  const m = /^streamchaos-(.+)-(\d+)-/.exec(name);
  if (m === null) return false; // not one of ours as we name them now: leave it
  return m[1] === host.replace(/[^A-Za-z0-9.]/g, '_') && !alive(Number(m[2]));
}

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
  /** Proxies this Network disabled and has not enabled again (what healAll re-enables on a user's server). */
  private readonly disabled = new Set<string>();

  private constructor(
    readonly topology: LinkTopology,
    private readonly api: Toxiproxy,
  ) {}

  /**
   * The proxies a user runs (an external environment): they already exist and stay the user's.
   * healAll then removes only our toxics (toxicIsOursToRemove) and re-enables only the proxies
   * this Network disabled; it never calls Toxiproxy's /reset, which would also remove the user's own toxics.
   */
  static borrow(topology: LinkTopology): Network {
    return new Network({ ...topology, userOwned: true }, new Toxiproxy(topology.toxiproxyApi));
  }

  /** Creates every link proxy of `topology` on the Toxiproxy server (replacing any of the same name). */
  static async create(topology: Topology): Promise<Network> {
    const api = new Toxiproxy(topology.toxiproxyApi);
    await withTimeout(
      api.populate(topology.links.map((l) => ({ name: l.name, listen: l.listen, upstream: l.upstream, enabled: true }))),
      POPULATE_MS,
      `Toxiproxy at ${topology.toxiproxyApi} to create ${topology.links.length} link proxies`,
    );
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
    const heal = once(async () => {
      await Promise.all(links.map((l) => this.setEnabled(l, true)));
    });
    try {
      await Promise.all(links.map((l) => this.setEnabled(l, false)));
    } catch (e) {
      await heal().catch(() => undefined); // leave no link cut behind a failed cut
      throw e;
    }
    return heal;
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
    const added: { proxy: ToxiproxyProxy; name: string }[] = [];
    try {
      for (const link of links) {
        const proxy = await this.call(this.api.get(link.name), `describe link ${link.name}`);
        for (const stream of streams) {
          const name = `${OWNER}${type}-${stream}-${++this.seq}`;
          await this.call(proxy.addToxic({ name, type, stream, toxicity, attributes }), `add a ${type} toxic to link ${link.name}`);
          added.push({ proxy, name });
        }
      }
    } catch (e) {
      await removeToxics(added).catch(() => undefined); // the first error is the one to report
      throw e;
    }
    return once(() => removeToxics(added));
  }

  /** Every link proxy as Toxiproxy sees it now (the client library drops toxics, so this reads the API itself). */
  async state(): Promise<LinkState[]> {
    const { data } = await this.call(this.api.getApi().get<Record<string, RawProxy>>(`${this.topology.toxiproxyApi}/proxies`), 'list its link proxies');
    return this.topology.links.map((link) => {
      const p = data[link.name];
      return {
        link,
        enabled: p?.enabled ?? false,
        toxics: (p?.toxics ?? []).map((t) => ({ name: t.name, type: t.type, stream: t.stream, attributes: t.attributes })),
      };
    });
  }

  /**
   * Heals everything. On a Toxiproxy streamchaos started: every proxy enabled, every toxic removed
   * (POST /reset). On a user's Toxiproxy: only our toxics (toxicIsOursToRemove) are removed from the
   * declared proxies, and only the proxies this Network disabled are enabled again.
   */
  async healAll(): Promise<void> {
    if (this.topology.links.length === 0) return;
    if (this.topology.userOwned !== true) {
      await this.call(this.api.reset(), 'reset every link (enable all, remove every toxic)');
      return;
    }
    await this.removeOurToxics();
    await Promise.all(this.topology.links.filter((l) => this.disabled.has(l.name)).map((l) => this.setEnabled(l, true)));
  }

  /** Removes this harness's toxics from the links, and those a dead harness of this host left (toxicIsOursToRemove); resolves with their names. */
  async removeOurToxics(): Promise<string[]> {
    const removed: string[] = [];
    for (const state of await this.state()) {
      for (const toxic of state.toxics.filter((t) => toxicIsOursToRemove(t.name))) {
        await this.call(
          this.api.getApi().delete(`${this.topology.toxiproxyApi}/proxies/${encodeURIComponent(state.link.name)}/toxics/${encodeURIComponent(toxic.name)}`),
          `remove toxic ${toxic.name} from ${state.link.name}`,
        );
        removed.push(`${state.link.name}/${toxic.name}`);
      }
    }
    return removed;
  }

  private async setEnabled(link: Link, enabled: boolean): Promise<void> {
    if (!enabled) this.disabled.add(link.name); // before the call: a disable that times out may still have happened
    const proxy = await this.call(this.api.get(link.name), `describe link ${link.name}`);
    await this.call(proxy.update({ enabled, listen: link.listen, upstream: link.upstream }), `${enabled ? 'enable' : 'disable'} link ${link.name}`);
    if (enabled) this.disabled.delete(link.name);
  }

  /** One call to the Toxiproxy API, bounded: rejects with a TimeoutError naming the server and `what` it was asked to do. */
  private call<T>(request: Promise<T>, what: string): Promise<T> {
    return withTimeout(request, API_MS, `Toxiproxy at ${this.topology.toxiproxyApi} to ${what}`);
  }
}

async function removeToxics(added: readonly { proxy: ToxiproxyProxy; name: string }[]): Promise<void> {
  await Promise.all(
    added.map(async ({ proxy, name }) => {
      try {
        await withTimeout(proxy.api.delete(`${proxy.getPath()}/toxics/${name}`), API_MS, `Toxiproxy to remove toxic ${name}`);
      } catch (e) {
        if (e instanceof TimeoutError) throw e; // the server does not answer: the toxic may still be there
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
