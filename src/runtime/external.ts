import { resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { describeHealth, readHealth } from '../cluster/health.js';
import { Observer } from '../cluster/observer.js';
import { resolveSecurity, useSecurity, type ClientSecurity } from '../cluster/security.js';
import { EnvironmentError, isStreamchaosError, UsageError } from '../errors.js';
import { Network, once } from '../network/network.js';
import type { Link, LinkTopology } from '../network/topology.js';
import type { EnvironmentSpec } from '../schema/environment.js';
import type { ExternalEnvironmentSpec } from '../schema/external-environment.js';
import { waitFor, withTimeout } from '../util/time.js';
import { count } from '../util/words.js';
import { Cleanup, onExit } from '../util/cleanup-stack.js';
import { ProcessorLaunches } from './processor-launches.js';
import type { NodeInfo, ProcessorLauncher, Runtime, StartedEnvironment, UpOptions } from './runtime.js';

const DEFAULT_UP_TIMEOUT_MS = 120_000;
const API_MS = 10_000;

interface ApiProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * `runtime: external`: a cluster streamchaos did not start, reached through Toxiproxy proxies the
 * user runs. `up()` starts nothing: it reads the security settings from their environment
 * variables, connects the observer, checks that every declared proxy exists and is enabled on
 * the user's Toxiproxy, learns the brokers from the cluster's metadata, creates the declared
 * topics that are missing (never deletes one) and waits until they are healthy.
 *
 * Throws UsageError (exit 2) for what the user fixes in the file or the shell (a variable not set,
 * a declared proxy missing, a topic that exists with other partitions), EnvironmentError (exit 3)
 * when the cluster or the Toxiproxy API does not answer or stays unhealthy.
 */
export class ExternalRuntime implements Runtime {
  readonly name = 'external';

  async up(environment: EnvironmentSpec, given: UpOptions): Promise<StartedEnvironment> {
    if (environment.runtime !== 'external') throw new UsageError(`environment ${environment.name} is not external (runtime: ${environment.runtime})`);
    const spec = environment;
    const options = { ...given, dir: resolve(given.dir) };
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS);
    const remaining = (): number => Math.max(1000, deadline - Date.now());
    const security = resolveSecurity(spec.security, process.env, spec.name); // before touching anything: a missing variable is the user's to fix
    const cleanup = new Cleanup();
    const forget = onExit(() => cleanup.run(), `disconnecting from environment ${spec.name}`);
    try {
      await mkdir(options.dir, { recursive: true });
      const observerAddresses = spec.observer ?? spec.bootstrap;
      cleanup.defer('security settings', useSecurity([...spec.bootstrap, ...observerAddresses], security));

      options.progress.step(
        `connecting to ${spec.name} at ${observerAddresses.join(', ')}${spec.observer === undefined ? ' (no observer addresses given: the harness reads through your proxies, so a fault there also blinds it)' : ''}`,
      );
      const brokers = await learnBrokers(observerAddresses, security, options.log, remaining(), cleanup);
      options.progress.done(`${spec.name}: ${count(brokers.length, 'broker')} (${brokers.map((b) => `broker ${b.id} at ${b.observer}`).join(', ')})`);
      const observer = await Observer.connect(
        brokers.map((b) => b.observer),
        { ...(options.log === undefined ? {} : { log: options.log }) },
      );
      cleanup.defer('observer', () => observer.close());

      const links =
        spec.toxiproxy === undefined
          ? []
          : await declaredLinks(
              spec,
              brokers.map((b) => b.id),
            );
      const topology: LinkTopology = {
        brokers,
        links,
        toxiproxyApi: spec.toxiproxy?.api ?? '',
        bootstrap: spec.bootstrap.join(','),
        observer: brokers.map((b) => b.observer).join(','),
        userOwned: true,
      };
      const network = Network.borrow(topology);
      if (links.length > 0) {
        const leftovers = await network.removeOurToxics();
        if (leftovers.length > 0) options.progress.detail(`removed ${count(leftovers.length, 'toxic')} an earlier run left (${leftovers.join(', ')})`);
        options.progress.done(`Toxiproxy at ${topology.toxiproxyApi}: ${count(links.length, 'declared proxy', 'declared proxies')} found, enabled`);
        // whatever ends this run, only our toxics go, and only what we disabled comes back
        cleanup.defer('our toxics on your proxies', () => network.healAll());
      }

      await ensureTopics(spec, observer, options.progress, remaining());
      let last = '';
      await waitFor(
        async () => {
          const health = await readHealth(
            observer,
            brokers.map((b) => b.id),
            spec.topics.map((t) => t.name),
            true,
          );
          last = describeHealth(health);
          return health.healthy;
        },
        {
          what: `environment ${spec.name} to be healthy (its declared topics led, every ISR full)`,
          timeoutMs: remaining(),
          intervalMs: 500,
          hint: async () => last,
        },
      );
      options.progress.done(`healthy: ${count(brokers.length, 'broker')}, ${count(spec.topics.length, 'topic')}, every ISR full`);

      const processors = new ProcessorLaunches(spec.name, options.owner, cleanup);
      const env = new ExternalEnvironment(spec, topology, network, observer, options.dir, (launch) => processors.launch(launch), cleanup);
      forget();
      onExit(() => env.down(), `disconnecting from environment ${spec.name} (removing our toxics)`);
      return env;
    } catch (e) {
      await cleanup.run();
      forget();
      throw isStreamchaosError(e)
        ? e
        : new EnvironmentError(`could not connect to environment ${spec.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

/** The brokers the cluster lists, each with the address its observer-side listener advertises. */
async function learnBrokers(
  addresses: readonly string[],
  security: ClientSecurity,
  log: ((line: string) => void) | undefined,
  timeoutMs: number,
  cleanup: Cleanup,
): Promise<{ id: number; observer: string }[]> {
  // refused credentials will not get better by waiting: stop at the first refusal
  let refused: UsageError | undefined;
  const connect = async (): Promise<Observer> => {
    try {
      return await Observer.connect(addresses, { ...(log === undefined ? {} : { log }) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if ((e instanceof Error && e.name === 'KafkaJSSASLAuthenticationError') || /SASL .*authentication failed/i.test(message)) {
        refused = new UsageError(
          `the cluster at ${addresses.join(', ')} refused the credentials (${security.sasl?.mechanism ?? security.protocol} as '${security.sasl?.username ?? ''}'): ${message}`,
          {
            hint: 'check the user name and password in the environment variables the environment file names (security.sasl)',
          },
        );
      }
      throw e;
    }
  };
  const first = await waitFor(connect, {
    what: `the cluster to answer at ${addresses.join(', ')}`,
    timeoutMs: Math.min(timeoutMs, 60_000),
    intervalMs: 1000,
    abortIf: async () => refused,
  });
  try {
    const view = await first.view([]);
    const brokers = view.brokers.map((b) => ({ id: b.id, observer: `${b.host}:${b.port}` })).sort((a, b) => a.id - b.id);
    // the advertised addresses may differ from the ones given: every client of ours uses the same settings there
    cleanup.defer(
      'security settings of the advertised addresses',
      useSecurity(
        brokers.map((b) => b.observer),
        security,
      ),
    );
    return brokers;
  } finally {
    await first.close().catch(() => undefined);
  }
}

/** The declared proxies as links, checked against the user's Toxiproxy and the cluster's brokers. */
async function declaredLinks(spec: ExternalEnvironmentSpec, brokerIds: readonly number[]): Promise<Link[]> {
  const toxiproxy = spec.toxiproxy;
  if (toxiproxy === undefined) return [];
  const res = await withTimeout(
    fetch(`${toxiproxy.api}/proxies`, { signal: AbortSignal.timeout(API_MS) }),
    API_MS,
    `Toxiproxy at ${toxiproxy.api} to list its proxies`,
  ).catch((e: unknown) => {
    throw new EnvironmentError(
      `Toxiproxy at ${toxiproxy.api} does not answer (${e instanceof Error ? e.message : String(e)}); environment ${spec.name} declares its proxies there`,
      { cause: e },
    );
  });
  if (!res.ok) throw new EnvironmentError(`Toxiproxy at ${toxiproxy.api} answered ${res.status} when asked for its proxies`);
  const existing = (await res.json()) as Record<string, ApiProxy>;
  return toxiproxy.proxies.map((p, i): Link => {
    const found = existing[p.name];
    const where = `toxiproxy.proxies[${i}]`;
    if (found === undefined) {
      const names = Object.keys(existing).sort();
      throw new UsageError(
        `${where}: proxy '${p.name}' does not exist on the Toxiproxy at ${toxiproxy.api} (it has ${names.length === 0 ? 'no proxy' : names.map((n) => `'${n}'`).join(', ')})`,
        {
          hint: 'streamchaos never creates or deletes proxies on your Toxiproxy: create it there, or fix the name in the environment file',
        },
      );
    }
    if (!found.enabled)
      throw new UsageError(
        `${where}: proxy '${p.name}' is disabled on the Toxiproxy at ${toxiproxy.api}; enable it before the run (its traffic must flow before any fault)`,
      );
    for (const id of p.from === 'client' ? [p.to] : [p.from, p.to]) {
      if (!brokerIds.includes(id)) throw new UsageError(`${where}: proxy '${p.name}' names broker ${id}, and the cluster has brokers ${brokerIds.join(', ')}`);
    }
    return { name: p.name, kind: p.kind, from: p.from, to: p.to, listen: found.listen, upstream: found.upstream };
  });
}

/** Creates the declared topics that are missing; a declared topic that exists must have the declared partition count. */
async function ensureTopics(spec: ExternalEnvironmentSpec, observer: Observer, progress: UpOptions['progress'], timeoutMs: number): Promise<void> {
  if (spec.topics.length === 0) return;
  const names = spec.topics.map((t) => t.name);
  const existing = await observer.partitions(names);
  for (const t of spec.topics) {
    const have = existing.filter((p) => p.topic === t.name).length;
    if (have > 0 && have !== t.partitions) {
      throw new UsageError(
        `topic ${t.name} exists in ${spec.name} with ${count(have, 'partition')}, and the environment file declares ${t.partitions}; streamchaos never changes or deletes a topic there: make the file say ${have}`,
      );
    }
  }
  const created = await waitFor(() => observer.createTopics(spec.topics), { what: `topics ${names.join(', ')} to be created`, timeoutMs, intervalMs: 1000 });
  progress.done(created.length === 0 ? `topics ${names.join(', ')} exist` : `created ${created.join(', ')} (never deleted by streamchaos)`);
}

/** A cluster streamchaos did not start: no node operation; processors run here as local processes. */
class ExternalEnvironment implements StartedEnvironment {
  readonly runtime = 'external';
  readonly images: Record<string, string>;
  readonly down: () => Promise<void>;

  constructor(
    readonly spec: ExternalEnvironmentSpec,
    readonly topology: LinkTopology,
    readonly network: Network,
    readonly observer: Observer,
    readonly dir: string,
    readonly startProcessor: ProcessorLauncher,
    cleanup: Cleanup,
  ) {
    this.images = {
      cluster: `external cluster at ${spec.bootstrap.join(',')} (${spec.security.protocol})`,
      ...(spec.toxiproxy === undefined ? {} : { toxiproxy: `your Toxiproxy at ${spec.toxiproxy.api}` }),
    };
    this.down = once(async () => {
      const errors = await cleanup.run();
      if (errors.length > 0) throw new EnvironmentError(errors.map((e) => e.message).join('\n'));
    });
  }

  /** No node of an external environment is ours: the report lists none. */
  nodes(): NodeInfo[] {
    return [];
  }

  kill(node: string): Promise<void> {
    return this.refuse('kill', node);
  }

  terminate(node: string): Promise<void> {
    return this.refuse('terminate', node);
  }

  pause(node: string): Promise<void> {
    return this.refuse('pause', node);
  }

  resume(node: string): Promise<void> {
    return this.refuse('resume', node);
  }

  restart(node: string): Promise<void> {
    return this.refuse('restart', node);
  }

  windDown(): void {
    // nothing of this environment is ours to stop or start
  }

  private refuse(what: string, node: string): Promise<never> {
    return Promise.reject(
      new UsageError(`cannot ${what} ${node}: environment ${this.spec.name} is external, and streamchaos does not run its brokers`, {
        hint: 'use a network fault on its declared proxies instead (isolate, blackhole, cut, latency…)',
      }),
    );
  }
}
