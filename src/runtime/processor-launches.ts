import { fileURLToPath } from 'node:url';
import type { Progress } from '../provision/progress.js';
import type { Cleanup } from '../util/cleanup-stack.js';
import { Container, reapLeftoverContainers, type ContainerSpec } from './docker/container.js';
import { connectEngine, LABEL, type Engine } from './docker/engine.js';
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
  progress?: Progress;
}

/**
 * Starts processor instances for an environment: a user's command always as a local process,
 * a user's image always as a container, ours as a local process or (docker runtime) in a
 * container. Containers are removed when the environment goes down, and a restarted
 * instance replaces its predecessor's container.
 */
export class ProcessorLaunches {
  private readonly containers = new Map<string, Container>();
  private engine: Promise<Engine> | undefined;
  private readonly chosen = new Map<string, Promise<ChosenImage>>();

  constructor(
    private readonly environment: string,
    private readonly owner: string | undefined,
    cleanup: Cleanup,
    private readonly options: ProcessorLaunchOptions = {},
  ) {
    if (options.engine !== undefined) this.engine = Promise.resolve(options.engine);
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
    await this.containers.get(launch.name)?.remove();
    const container = await Container.create(docker, spec);
    this.containers.set(launch.name, container);
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

  private async removeAll(): Promise<void> {
    await Promise.all([...this.containers.values()].map((c) => c.remove()));
    this.containers.clear();
  }
}

const silent: Progress = { step: () => undefined, detail: () => undefined, done: () => undefined };
