import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../errors.js';
import type { Progress } from '../provision/progress.js';
import type { Cleanup } from '../util/cleanup-stack.js';
import { reapLeftoverContainers, type Container, type ContainerSpec } from './docker/container.js';
import { connectEngine, LABEL, type Engine } from './docker/engine.js';
import { EnvironmentContainers } from './docker/environment-containers.js';
import { chooseImage, type ChosenImage } from './docker/image-choice.js';
import { launchProcess } from './process/process-node.js';
import type { ProcessorLaunch, RunningNode } from './runtime.js';

/** The streamchaos installation (dist/ and node_modules/), mounted read-only into a container that runs our processor. */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export interface ProcessorLaunchOptions {
  /** Run our own processor in a container of this image (the docker runtime); else as a local process. */
  oursImage?: string;
  /** The engine, when the runtime already has one; else connected when a user's image first needs it. */
  engine?: Engine;
  /** The environment's containers, when its runtime keeps them (the docker runtime, which removes them all at its end); else kept here. */
  containers?: EnvironmentContainers;
  progress?: Progress;
}

/**
 * Starts processor instances for an environment: a user's command always as a local process,
 * a user's image always as a container, ours as a local process or (docker runtime) in a
 * container. Containers are removed when the environment goes down, and a restarted
 * instance replaces its predecessor's container.
 */
export class ProcessorLaunches {
  /** The container of each instance by its name, its latest. */
  private readonly instances = new Map<string, Container>();
  private engine: Promise<Engine> | undefined;
  private containers: EnvironmentContainers | undefined;
  private readonly chosen = new Map<string, Promise<ChosenImage>>();
  private closed = false;

  constructor(
    private readonly environment: string,
    private readonly owner: string | undefined,
    cleanup: Cleanup,
    private readonly options: ProcessorLaunchOptions = {},
  ) {
    if (options.engine !== undefined) this.engine = Promise.resolve(options.engine);
    this.containers = options.containers;
    cleanup.defer('processor containers', () => this.removeAll());
  }

  async launch(launch: ProcessorLaunch): Promise<RunningNode> {
    const program = launch.program;
    if (program.kind === 'command' || (program.kind === 'ours' && this.options.oursImage === undefined)) return launchProcess(launch);
    this.engine ??= connectEngine().then(async (engine) => {
      await reapLeftoverContainers(engine.docker); // a user's image on the process runtime: no docker run reaped before us
      return engine;
    });
    const { docker } = await this.engine;
    if (this.closed) throw new EnvironmentError(`not starting ${launch.name}: the environment is being torn down`);
    this.containers ??= new EnvironmentContainers(docker, this.environment);
    const containers = this.containers;
    const wanted = program.kind === 'image' ? program.image : (this.options.oursImage ?? '');
    let chosen = this.chosen.get(wanted);
    if (chosen === undefined) {
      chosen = chooseImage(docker, wanted, this.options.progress ?? silent);
      this.chosen.set(wanted, chosen);
    }
    const image = (await chosen).image;
    const spec: ContainerSpec =
      program.kind === 'ours'
        ? {
            containerName: `streamchaos-${this.environment}-${launch.name}`,
            node: launch.name,
            image,
            entrypoint: ['node'],
            cmd: [program.script],
            env: launch.env,
            binds: [`${PACKAGE_ROOT}:${PACKAGE_ROOT}:ro`, `${launch.dir}:${launch.dir}`],
            workingDir: launch.dir,
            labels: this.labels(launch),
            logFile: launch.logFile,
            runAsHarnessUser: true,
          }
        : {
            containerName: `streamchaos-${this.environment}-${launch.name}`,
            node: launch.name,
            image,
            ...(program.command === undefined ? {} : { cmd: program.command }),
            env: launch.env,
            binds: [],
            labels: this.labels(launch),
            logFile: launch.logFile,
            runAsHarnessUser: false, // the user's image runs as its own user
            init: true,
          };
    const predecessor = this.instances.get(launch.name);
    if (predecessor !== undefined) await containers.remove(predecessor);
    const container = await containers.create(spec);
    this.instances.set(launch.name, container);
    await container.start();
    return container;
  }

  /** The images processors ran, for the report. */
  async images(): Promise<ChosenImage[]> {
    return Promise.all(this.chosen.values());
  }

  private labels(launch: ProcessorLaunch): Record<string, string> {
    return { ...launch.labels, [LABEL.environment]: this.environment, ...(this.owner === undefined ? {} : { [LABEL.run]: this.owner }) };
  }

  /** The instances' containers; all of the environment's (creates in flight too) when they are kept here. */
  private async removeAll(): Promise<void> {
    this.closed = true;
    const containers = this.containers;
    if (containers === undefined) return;
    if (containers === this.options.containers) await Promise.all([...this.instances.values()].map((c) => containers.remove(c)));
    else await containers.removeAll();
    this.instances.clear();
  }
}

const silent: Progress = { step: () => undefined, detail: () => undefined, done: () => undefined };
