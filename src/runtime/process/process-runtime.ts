import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError, isStreamchaosError } from '../../errors.js';
import { Network } from '../../network/network.js';
import { topology, type Topology } from '../../network/topology.js';
import type { Tools } from '../../provision/tools.js';
import { managedOnly, type EnvironmentSpec } from '../../schema/environment.js';
import { count } from '../../util/words.js';
import { brokerJavaArgs, formatStorage, newClusterId, writeBrokerFiles } from '../broker-files.js';
import { waitForToxiproxy, waitUntilHealthy } from '../bring-up.js';
import { Cleanup, interruptedBy, onExit } from '../../util/cleanup-stack.js';
import { brokerExited, failingBrokerLogs, NodeEnvironment } from '../node-environment.js';
import { assertPortsFree } from '../ports.js';
import { ProcessNode } from './process-node.js';
import { ProcessorLaunches } from '../processor-launches.js';
import type { Runtime, StartedEnvironment, UpOptions } from '../runtime.js';

const DEFAULT_UP_TIMEOUT_MS = 120_000;
/** The grace of a clean stop at the end of `env down` (SIGTERM, then SIGKILL). */
const BROKER_GRACE_MS = 2000;
const TOXIPROXY_GRACE_MS = 3000;

/** The default runtime: every broker a local JVM, Toxiproxy a local process, all on loopback. */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';

  /** `tools`: the Kafka distribution, Java and toxiproxy-server to run (see provision/setup.ts). */
  constructor(private readonly tools: Tools) {}

  async up(environment: EnvironmentSpec, given: UpOptions): Promise<StartedEnvironment<Topology>> {
    const spec = managedOnly(environment, `the process runtime cannot start it`);
    const options = { ...given, dir: resolve(given.dir) }; // nodes run in their own folders: every path they get is absolute
    const topo = topology(spec.brokers.count, spec.ports.base);
    const cleanup = new Cleanup();
    const forget = onExit(() => cleanup.run(), 'stopping the environment being started');
    let started: NodeEnvironment | undefined;
    /** At the end of a run, or interrupted, nodes are killed: a clean stop with its peers gone buys nothing and can take long. */
    const hurried = (): boolean => started?.hurried ?? interruptedBy() !== undefined;
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS);
    const remaining = (): number => Math.max(1000, deadline - Date.now());
    try {
      await assertPortsFree([
        topo.toxiproxyApi.replace('http://', ''),
        ...topo.brokers.flatMap((b) => [b.clientLink, b.observer, b.client, b.replication, b.controller]),
      ]);
      await mkdir(options.dir, { recursive: true });

      options.progress.step(`starting Toxiproxy on ${topo.toxiproxyApi}`);
      const toxiproxy = await startToxiproxy(this.tools.toxiproxy.bin, options, topo, cleanup, remaining(), hurried);
      const network = await Network.create(topo);
      options.progress.done(`Toxiproxy up with ${count(topo.links.length, 'link proxy', 'link proxies')}`);

      options.progress.step(`formatting storage of ${count(spec.brokers.count, 'broker')} (Kafka ${this.tools.kafka.version})`);
      const clusterId = newClusterId();
      const files = await Promise.all(topo.brokers.map((b) => writeBrokerFiles(options.dir, spec, topo, b.id, this.tools.kafka)));
      await Promise.all(files.map((f) => formatStorage(f, clusterId, this.tools.kafka)));
      await writeFile(join(options.dir, 'cluster-id'), `${clusterId}\n`);

      options.progress.step(`starting ${count(spec.brokers.count, 'broker')}`);
      const brokers = new Map<number, ProcessNode>();
      for (const f of files) {
        const broker = await ProcessNode.spawn({
          name: `broker-${f.id}`,
          command: this.tools.kafka.java.bin,
          args: brokerJavaArgs(spec, f, this.tools.kafka.classpath),
          cwd: f.dir,
          logFile: f.log,
        });
        brokers.set(f.id, broker);
      }
      // all at once: a clean shutdown of the last brokers waits for a quorum that is gone, so the grace is short
      cleanup.defer('brokers', () => Promise.all([...brokers.values()].map((b) => (hurried() ? b.kill() : b.stop(BROKER_GRACE_MS)))));

      const observer = await waitUntilHealthy(
        spec,
        topo,
        { hint: () => failingBrokerLogs(brokers), exited: () => brokerExited(brokers) },
        { progress: options.progress, log: options.log, remaining, cleanup },
      );

      const processors = new ProcessorLaunches(spec.name, options.owner, cleanup);
      const env = new NodeEnvironment({
        runtime: this.name,
        spec,
        topology: topo,
        network,
        observer,
        dir: options.dir,
        brokers,
        toxiproxy,
        startProcessor: (launch) => processors.launch(launch),
        images: { broker: `Kafka ${this.tools.kafka.version} on Java ${this.tools.kafka.java.major} (local processes)`, toxiproxy: this.tools.toxiproxy.bin },
        cleanup,
      });
      started = env;
      forget();
      onExit(() => env.down(), `stopping environment ${spec.name}`);
      return env;
    } catch (e) {
      await cleanup.run();
      forget();
      // whatever broke here (a client library error, an I/O error), the environment did not start: exit 3
      throw isStreamchaosError(e) ? e : new EnvironmentError(`the environment could not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

async function startToxiproxy(
  bin: string,
  options: UpOptions,
  topo: Topology,
  cleanup: Cleanup,
  timeoutMs: number,
  hurried: () => boolean,
): Promise<ProcessNode> {
  const api = new URL(topo.toxiproxyApi);
  const child = await ProcessNode.spawn({
    name: 'toxiproxy',
    command: bin,
    args: ['-host', api.hostname, '-port', api.port],
    cwd: options.dir,
    logFile: join(options.dir, 'toxiproxy.log'),
  });
  cleanup.defer('toxiproxy', () => (hurried() ? child.kill() : child.stop(TOXIPROXY_GRACE_MS)));
  await waitForToxiproxy(
    topo,
    timeoutMs,
    async () => (child.running ? undefined : new EnvironmentError(`toxiproxy-server exited at startup:\n${await child.tail(20)}`)),
    () => child.tail(20),
  );
  return child;
}
