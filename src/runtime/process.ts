import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Observer } from '../cluster/observer.js';
import { probeKafka } from '../cluster/probe.js';
import { EnvironmentError, isStreamchaosError, UsageError } from '../errors.js';
import { Network, once } from '../network/links.js';
import { topology, type Topology } from '../network/topology.js';
import type { EnvironmentSpec } from '../spec/environment.js';
import { waitFor } from '../util/time.js';
import { count } from '../util/words.js';
import { brokerJavaArgs, formatStorage, newClusterId, writeBrokerFiles, type BrokerFiles } from './broker-files.js';
import { Child } from './child.js';
import { Cleanup, onExit } from './cleanup.js';
import { assertPortsFree } from './ports.js';
import type { Tools } from '../provision/setup.js';
import { waitForToxiproxy, waitUntilHealthy } from './bring-up.js';
import { ProcessorLaunches } from './processor-launches.js';
import type { NodeInfo, ProcessorLaunch, Runtime, RunningNode, StartedEnvironment, UpOptions } from './runtime.js';

const DEFAULT_UP_TIMEOUT_MS = 120_000;
const NODE_OP_TIMEOUT_MS = 60_000;

/** The default runtime: every broker a local JVM, Toxiproxy a local process, all on loopback. */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';

  /** `tools`: the Kafka distribution, Java and toxiproxy-server to run (see provision/setup.ts). */
  constructor(private readonly tools: Tools) {}

  async up(spec: EnvironmentSpec, given: UpOptions): Promise<StartedEnvironment> {
    const options = { ...given, dir: resolve(given.dir) }; // nodes run in their own folders: every path they get is absolute
    const topo = topology(spec.brokers.count, spec.ports.base);
    const cleanup = new Cleanup();
    const forget = onExit(() => cleanup.run());
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS);
    const remaining = (): number => Math.max(1000, deadline - Date.now());
    try {
      await assertPortsFree([
        topo.toxiproxyApi.replace('http://', ''),
        ...topo.brokers.flatMap((b) => [b.clientLink, b.observer, b.client, b.replication, b.controller]),
      ]);
      await mkdir(options.dir, { recursive: true });

      options.progress.step(`starting Toxiproxy on ${topo.toxiproxyApi}`);
      const toxiproxy = await startToxiproxy(this.tools.toxiproxy.bin, options, topo, cleanup, remaining());
      const network = await Network.create(topo);
      options.progress.done(`Toxiproxy up with ${count(topo.links.length, 'link proxy', 'link proxies')}`);

      options.progress.step(`formatting storage of ${count(spec.brokers.count, 'broker')} (Kafka ${this.tools.kafka.version})`);
      const clusterId = newClusterId();
      const files = await Promise.all(topo.brokers.map((b) => writeBrokerFiles(options.dir, spec, topo, b.id, this.tools.kafka)));
      await Promise.all(files.map((f) => formatStorage(f, clusterId, this.tools.kafka)));
      await writeFile(join(options.dir, 'cluster-id'), clusterId + '\n');

      options.progress.step(`starting ${count(spec.brokers.count, 'broker')}`);
      const brokers = new Map<number, Child>();
      const brokerExited = async (): Promise<EnvironmentError | undefined> =>
        [...brokers.values()].some((c) => !c.running) ? brokerExitedError(brokers) : undefined;
      const startBroker = async (f: BrokerFiles): Promise<Child> => {
        const child = await Child.spawn({
          name: `broker-${f.id}`,
          command: this.tools.kafka.java.bin,
          args: brokerJavaArgs(spec, f, this.tools.kafka.classpath),
          cwd: f.dir,
          logFile: f.log,
        });
        brokers.set(f.id, child);
        return child;
      };
      for (const f of files) await startBroker(f);
      // all at once: a clean shutdown of the last brokers waits for a quorum that is gone, so the grace is short
      cleanup.defer('brokers', () => Promise.all([...brokers.values()].map((c) => c.stop(2000))));

      const observer = await waitUntilHealthy(
        spec,
        topo,
        { hint: () => failingBrokerLogs(brokers), exited: brokerExited },
        { progress: options.progress, log: options.log, remaining, cleanup },
      );

      const processors = new ProcessorLaunches(spec.name, options.owner, cleanup);
      const images = { broker: `Kafka ${this.tools.kafka.version} on Java ${this.tools.kafka.java.major} (local processes)`, toxiproxy: this.tools.toxiproxy.bin };
      const env = new ProcessEnvironment(spec, topo, network, observer, options.dir, brokers, toxiproxy, files, startBroker, processors, images, cleanup);
      forget();
      onExit(() => env.down());
      return env;
    } catch (e) {
      await cleanup.run();
      forget();
      // whatever broke here (a client library error, an I/O error), the environment did not start: exit 3
      throw isStreamchaosError(e) ? e : new EnvironmentError(`the environment could not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

async function startToxiproxy(bin: string, options: UpOptions, topo: Topology, cleanup: Cleanup, timeoutMs: number): Promise<Child> {
  const api = new URL(topo.toxiproxyApi);
  const child = await Child.spawn({
    name: 'toxiproxy',
    command: bin,
    args: ['-host', api.hostname, '-port', api.port],
    cwd: options.dir,
    logFile: join(options.dir, 'toxiproxy.log'),
  });
  cleanup.defer('toxiproxy', () => child.stop(3000));
  await waitForToxiproxy(
    topo,
    timeoutMs,
    async () => (child.running ? undefined : new EnvironmentError(`toxiproxy-server exited at startup:\n${await child.tail(20)}`)),
    () => child.tail(20),
  );
  return child;
}

async function brokerExitedError(brokers: Map<number, Child>): Promise<EnvironmentError> {
  const dead = [...brokers.values()].filter((c) => !c.running);
  const parts = await Promise.all(dead.map(async (c) => `${c.name} exited (${describeExit(c)}); last lines of ${c.spec.logFile}:\n${await c.tail(25)}`));
  return new EnvironmentError(`a broker stopped during startup\n${parts.join('\n\n')}`);
}

function describeExit(c: Child): string {
  const s = c.exitStatus;
  return s === undefined ? 'running' : s.signal !== null ? `signal ${s.signal}` : `code ${s.code}`;
}

/** The log tails of brokers that died, or else of every broker, for a startup error. */
async function failingBrokerLogs(brokers: Map<number, Child>): Promise<string> {
  const all = [...brokers.values()];
  const dead = all.filter((c) => !c.running);
  const show = dead.length > 0 ? dead : all;
  const parts = await Promise.all(show.map(async (c) => `--- ${c.name} (${describeExit(c)}), last lines of ${c.spec.logFile}:\n${await c.tail(15)}`));
  return parts.join('\n');
}

class ProcessEnvironment implements StartedEnvironment {
  readonly runtime = 'process';
  readonly down: () => Promise<void>;

  constructor(
    readonly spec: EnvironmentSpec,
    readonly topology: Topology,
    readonly network: Network,
    readonly observer: Observer,
    readonly dir: string,
    private readonly brokers: Map<number, Child>,
    private readonly toxiproxy: Child,
    private readonly files: BrokerFiles[],
    private readonly startBroker: (f: BrokerFiles) => Promise<Child>,
    private readonly processors: ProcessorLaunches,
    readonly images: Record<string, string>,
    cleanup: Cleanup,
  ) {
    this.down = once(async () => {
      const errors = await cleanup.run();
      if (errors.length > 0) throw new EnvironmentError(errors.map((e) => e.message).join('\n'));
    });
  }

  readonly startProcessor = (launch: ProcessorLaunch): Promise<RunningNode> => this.processors.launch(launch);

  nodes(): NodeInfo[] {
    const brokers: NodeInfo[] = [...this.brokers.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, c]) => ({ name: `broker-${id}`, kind: 'broker', id, pid: c.running ? c.pid : undefined, running: c.running, log: c.spec.logFile }));
    const t = this.toxiproxy;
    return [...brokers, { name: 'toxiproxy', kind: 'toxiproxy', pid: t.running ? t.pid : undefined, running: t.running, log: t.spec.logFile }];
  }

  async kill(node: string): Promise<void> {
    const { child, observer } = this.broker(node);
    await child.kill();
    await waitFor(async () => !(await probeKafka(observer, 500)), { what: `${node} to stop answering on ${observer}`, timeoutMs: 10_000 });
  }

  async terminate(node: string): Promise<void> {
    const { child } = this.broker(node);
    await child.stop(NODE_OP_TIMEOUT_MS);
  }

  async pause(node: string): Promise<void> {
    const { child } = this.broker(node);
    if (!child.running) throw new UsageError(`cannot pause ${node}: it is not running`);
    child.signal('SIGSTOP');
    await waitFor(async () => (await child.state()) === 'T', { what: `${node} (pid ${child.pid}) to be stopped by SIGSTOP`, timeoutMs: 5000, intervalMs: 20 });
  }

  async resume(node: string): Promise<void> {
    const { child, observer } = this.broker(node);
    child.signal('SIGCONT');
    await waitFor(async () => (await child.state()) !== 'T' && (await probeKafka(observer, 1000)), {
      what: `${node} to answer on ${observer} after SIGCONT`,
      timeoutMs: 30_000,
      intervalMs: 50,
    });
  }

  async restart(node: string): Promise<void> {
    const { id, child } = this.broker(node);
    if (child.running) {
      if ((await child.state()) === 'T') child.signal('SIGCONT');
      await child.stop(NODE_OP_TIMEOUT_MS);
    }
    const files = this.files.find((f) => f.id === id);
    if (files === undefined) throw new Error(`no files for ${node}`);
    const fresh = await this.startBroker(files);
    await waitFor(
      async () => {
        if (!fresh.running) throw new EnvironmentError(`${node} exited while restarting:\n${await fresh.tail(20)}`);
        return (await this.observer.liveBrokers()).includes(id);
      },
      { what: `${node} to register with the cluster again`, timeoutMs: NODE_OP_TIMEOUT_MS, intervalMs: 250, hint: () => fresh.tail(20) },
    );
  }

  private broker(node: string): { id: number; child: Child; observer: string } {
    const m = /^broker-(\d+)$/.exec(node);
    const id = m === null ? NaN : Number(m[1]);
    const child = this.brokers.get(id);
    const endpoints = this.topology.brokers.find((b) => b.id === id);
    if (child === undefined || endpoints === undefined) {
      throw new UsageError(`no node named '${node}' in environment ${this.spec.name} (its brokers: ${[...this.brokers.keys()].map((b) => `broker-${b}`).join(', ')})`);
    }
    return { id, child, observer: endpoints.observer };
  }
}

