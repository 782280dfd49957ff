import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError, isStreamchaosError } from '../../errors.js';
import { Network } from '../../network/network.js';
import { hostsFileFor, topology, type Topology } from '../../network/topology.js';
import { PUBLIC_IMAGES } from '../../provision/image-names.js';
import { managedOnly, type EnvironmentSpec } from '../../schema/environment.js';
import { count } from '../../util/words.js';
import { brokerJavaArgs, checkFormatted, formatJavaArgs, newClusterId, writeBrokerFiles, type BrokerFiles } from '../broker-files.js';
import { waitForToxiproxy, waitUntilHealthy } from '../bring-up.js';
import { Cleanup, onExit } from '../../util/cleanup-stack.js';
import { reapLeftoverContainers, type Container } from './container.js';
import { connectEngine, LABEL, type Engine } from './engine.js';
import { EnvironmentContainers } from './environment-containers.js';
import { chooseImage, type ChosenImage } from './image-choice.js';
import { brokerExited, failingBrokerLogs, NodeEnvironment } from '../node-environment.js';
import { assertPortsFree } from '../ports.js';
import { ProcessorLaunches } from '../processor-launches.js';
import type { Runtime, StartedEnvironment, UpOptions } from '../runtime.js';

const DEFAULT_UP_TIMEOUT_MS = 180_000;
/** Where Kafka's jars are in the apache/kafka image, and in the local equivalent `setup --docker` builds. */
const IMAGE_CLASSPATH = '/opt/kafka/libs/*';

/** Kafka 4 logs with log4j2, earlier releases with log4j 1 (what the image's jars carry). */
function loggingFor(version: string): 'log4j2' | 'log4j1' {
  return Number(version.split('.')[0]) >= 4 ? 'log4j2' : 'log4j1';
}

/** A broker's peers as extra hosts: each name resolves to this broker's own link proxy to that peer. */
export function extraHostsFor(brokerId: number, topo: Topology): string[] {
  return hostsFileFor(brokerId, topo)
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [address, name] = line.split(' ');
      return `${name}:${address}`;
    });
}

/**
 * Every broker, Toxiproxy and our processor as containers on a Docker engine, through dockerode:
 * host networking on loopback only (the same addresses and ports as the process runtime), the
 * run folder bind-mounted at the same path, each container labelled with its run and owner so
 * cleanup finds it. Images come from the environment (`images:`), defaulting to the public ones.
 */
export class DockerRuntime implements Runtime {
  readonly name = 'docker';

  constructor(private readonly engine?: Engine) {}

  async up(environment: EnvironmentSpec, given: UpOptions): Promise<StartedEnvironment<Topology>> {
    const spec = managedOnly(environment, `the docker runtime cannot start it`);
    const options = { ...given, dir: resolve(given.dir) };
    const topo = topology(spec.brokers.count, spec.ports.base);
    const cleanup = new Cleanup();
    let closeContainers = (): void => undefined;
    // no container is created once the teardown began; one whose create is in flight is removed when it lands
    const forget = onExit(async () => {
      closeContainers();
      await cleanup.run();
    }, 'stopping the environment being started');
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS);
    const remaining = (): number => Math.max(1000, deadline - Date.now());
    const progress = options.progress;
    try {
      const engine = this.engine ?? (await connectEngine());
      const docker = engine.docker;
      const containers = new EnvironmentContainers(docker, spec.name);
      closeContainers = () => containers.close();
      cleanup.defer('containers', () => containers.removeAll()); // last: whatever the steps above it did not remove
      const reaped = await reapLeftoverContainers(docker);
      if (reaped.length > 0) progress.detail(`removed ${count(reaped.length, 'leftover container')} of runs that were killed: ${reaped.join(', ')}`);
      await assertPortsFree([
        topo.toxiproxyApi.replace('http://', ''),
        ...topo.brokers.flatMap((b) => [b.clientLink, b.observer, b.client, b.replication, b.controller]),
      ]);
      await mkdir(options.dir, { recursive: true });

      progress.step(`finding images on the Docker engine at ${engine.host}`);
      const [kafkaImage, toxiproxyImage] = await Promise.all([
        chooseImage(docker, spec.images?.kafka ?? PUBLIC_IMAGES.kafka(spec.kafka.version), progress),
        chooseImage(docker, spec.images?.toxiproxy ?? PUBLIC_IMAGES.toxiproxy, progress),
      ]);
      const labels = { [LABEL.environment]: spec.name, ...(options.owner === undefined ? {} : { [LABEL.run]: options.owner }) };
      const containerName = (node: string): string => `streamchaos-${spec.name}-${node}`;

      progress.step(`starting Toxiproxy (${toxiproxyImage.image}) on ${topo.toxiproxyApi}`);
      const api = new URL(topo.toxiproxyApi);
      const toxiproxy = await containers.create({
        containerName: containerName('toxiproxy'),
        node: 'toxiproxy',
        image: toxiproxyImage.image,
        cmd: ['-host', api.hostname, '-port', api.port],
        binds: [],
        labels,
        logFile: join(options.dir, 'toxiproxy.log'),
        runAsHarnessUser: true,
      });
      cleanup.defer('toxiproxy', () => containers.remove(toxiproxy));
      await toxiproxy.start();
      await waitForToxiproxy(
        topo,
        remaining(),
        async () => (toxiproxy.running ? undefined : new EnvironmentError(`Toxiproxy's container exited at startup:\n${await toxiproxy.tail(20)}`)),
        () => toxiproxy.tail(20),
      );
      const network = await Network.create(topo);
      progress.done(`Toxiproxy up with ${count(topo.links.length, 'link proxy', 'link proxies')}`);

      progress.step(`formatting storage of ${count(spec.brokers.count, 'broker')} (${kafkaImage.image})`);
      const clusterId = newClusterId();
      const kafka = { version: spec.kafka.version, logging: loggingFor(spec.kafka.version) };
      const files = await Promise.all(topo.brokers.map((b) => writeBrokerFiles(options.dir, spec, topo, b.id, kafka)));
      const brokerContainer = (f: BrokerFiles, node: string, cmd: string[], logFile: string): Promise<Container> =>
        containers.create({
          containerName: containerName(node),
          node,
          image: kafkaImage.image,
          entrypoint: ['java'],
          cmd,
          binds: [`${options.dir}:${options.dir}`],
          extraHosts: extraHostsFor(f.id, topo),
          workingDir: f.dir,
          labels,
          logFile,
          runAsHarnessUser: true,
        });
      await Promise.all(
        files.map(async (f) => {
          const log = join(f.dir, 'format.log');
          const format = await brokerContainer(f, `format-${f.id}`, formatJavaArgs(f, clusterId, IMAGE_CLASSPATH, { hostsFile: false }), log);
          try {
            await format.start();
            const exit = await format.exited;
            checkFormatted(f, exit.code, (await format.tail(15)).split('\n'));
          } finally {
            await containers.remove(format);
          }
        }),
      );
      await writeFile(join(options.dir, 'cluster-id'), `${clusterId}\n`);

      progress.step(`starting ${count(spec.brokers.count, 'broker')}`);
      const brokers = new Map<number, Container>();
      for (const f of files) {
        const c = await brokerContainer(f, `broker-${f.id}`, brokerJavaArgs(spec, f, IMAGE_CLASSPATH, { hostsFile: false }), f.log);
        brokers.set(f.id, c);
        cleanup.defer(`broker-${f.id}`, () => containers.remove(c));
      }
      await Promise.all([...brokers.values()].map((c) => c.start()));
      // all at once: a clean shutdown of the last brokers waits for a quorum that is gone, so the grace is short
      cleanup.defer('brokers', () => Promise.all([...brokers.values()].map((c) => c.stop(2000))));

      const observer = await waitUntilHealthy(
        spec,
        topo,
        { hint: () => failingBrokerLogs(brokers), exited: () => brokerExited(brokers) },
        { progress, log: options.log, remaining, cleanup },
      );
      const processors = new ProcessorLaunches(spec.name, options.owner, cleanup, {
        engine,
        containers,
        oursImage: spec.images?.processor ?? PUBLIC_IMAGES.node,
        progress,
      });
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
        images: { broker: describeChoice(kafkaImage), toxiproxy: describeChoice(toxiproxyImage) },
        cleanup,
      });
      cleanup.defer('no new containers', () => containers.close()); // first: a processor restarted meanwhile is not created
      forget();
      onExit(() => env.down(), `stopping environment ${spec.name}`);
      return env;
    } catch (e) {
      await cleanup.run();
      forget();
      throw isStreamchaosError(e) ? e : new EnvironmentError(`the environment could not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

function describeChoice(c: ChosenImage): string {
  return c.how === 'local equivalent' ? `${c.image} (local equivalent of ${c.wanted})` : c.image;
}
