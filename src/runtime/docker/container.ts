import { createWriteStream } from 'node:fs';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { waitFor, withTimeout } from '../../util/time.js';
import { tailOf } from '../process/child.js';
import { LABEL } from './engine.js';
import { pidAlive } from '../../util/processes.js';
import type { BrokerNode } from '../node-environment.js';
import type { NodeExit } from '../runtime.js';
import { noteCreateInFlight } from '../watchdog.js';

export interface ContainerSpec {
  /** Container name, unique on the engine: `streamchaos-local-3-broker-2`. */
  containerName: string;
  /** Node name in our words: `broker-2`, `toxiproxy`, `processor-1`. */
  node: string;
  image: string;
  entrypoint?: readonly string[];
  /** Arguments; the image's own command when absent. */
  cmd?: readonly string[];
  env?: Record<string, string>;
  /** `host:container[:ro]` bind mounts. */
  binds: readonly string[];
  /** `name:address` entries for the container's /etc/hosts. */
  extraHosts?: readonly string[];
  workingDir?: string;
  /** Run id, environment; the ownership labels are added here. */
  labels: Record<string, string>;
  /** Its stdout and stderr are appended here while it runs. */
  logFile: string;
  /** Run as the harness's uid:gid, so what it writes in the run folder is the user's (our images); else as the image says. */
  runAsHarnessUser: boolean;
  /** Run the engine's init as PID 1, so a program that ignores SIGTERM as PID 1 still stops promptly (a user's image). */
  init?: boolean;
}

/** How long a removal waits for a start still in flight before removing anyway. */
const START_WAIT_MS = 30_000;

/** Labels that say which harness process owns a container, so a leftover can be told from a live one. */
export function ownerLabels(): Record<string, string> {
  return { [LABEL.ours]: '1', [LABEL.ownerPid]: String(process.pid), [LABEL.ownerHost]: hostname() };
}

function statusCode(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'statusCode' in e && typeof e.statusCode === 'number' ? e.statusCode : undefined;
}

/** Runs `op`, treating the engine's "already so" answers (304 not modified, 404 gone, 409 not running) as done. */
async function idempotent(op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (e) {
    const code = statusCode(e);
    if (code === 304 || code === 404 || code === 409) return;
    throw e;
  }
}

/**
 * One container of a run: created once, started (again) on demand, always with host networking,
 * never privileged and unable to gain privileges (no-new-privileges), running as the harness's own user so the files it writes in the run folder
 * are the user's. Its output is streamed into its log file from before it starts.
 */
export class Container implements BrokerNode {
  private exit: Promise<NodeExit> = Promise.resolve({ code: null, signal: null });
  private isRunning = false;
  private lastExit: NodeExit | undefined;
  /** The start in flight, if any: a removal waits for it, so the engine never starts what was just removed. */
  private starting: Promise<void> = Promise.resolve();

  private constructor(
    private readonly docker: Docker,
    private readonly handle: Docker.Container,
    readonly spec: ContainerSpec,
  ) {}

  static async create(docker: Docker, spec: ContainerSpec): Promise<Container> {
    const answered = noteCreateInFlight();
    const user =
      spec.runAsHarnessUser && typeof process.getuid === 'function' && typeof process.getgid === 'function'
        ? `${process.getuid()}:${process.getgid()}`
        : undefined;
    try {
      const handle = await docker.createContainer({
        name: spec.containerName,
        Image: spec.image,
        ...(spec.entrypoint === undefined ? {} : { Entrypoint: [...spec.entrypoint] }),
        ...(spec.cmd === undefined ? {} : { Cmd: [...spec.cmd] }),
        Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: { ...spec.labels, ...ownerLabels(), [LABEL.node]: spec.node },
        ...(user === undefined ? {} : { User: user }),
        ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir }),
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: {
          NetworkMode: 'host',
          Binds: [...spec.binds],
          ExtraHosts: [...(spec.extraHosts ?? [])],
          Privileged: false,
          SecurityOpt: ['no-new-privileges'],
          AutoRemove: false,
          Init: spec.init ?? false,
        },
      });
      return new Container(docker, handle, spec);
    } catch (e) {
      if (statusCode(e) === 409) {
        throw new EnvironmentError(`a container named ${spec.containerName} already exists on the Docker engine`, {
          hint: `another streamchaos run of this environment may be going on; if not, remove the leftover with \`docker rm -f ${spec.containerName}\``,
        });
      }
      if (statusCode(e) === 404)
        throw new EnvironmentError(`the Docker engine has no image ${spec.image}`, {
          hint: 'build local images with `streamchaos setup --docker`, or pull it',
        });
      throw e;
    } finally {
      answered();
    }
  }

  get name(): string {
    return this.spec.node;
  }

  get container(): string {
    return this.handle.id;
  }

  get where(): string {
    return `container ${this.spec.containerName}`;
  }

  get running(): boolean {
    return this.isRunning;
  }

  get exited(): Promise<NodeExit> {
    return this.exit;
  }

  get log(): string {
    return this.spec.logFile;
  }

  describeExit(): string {
    const e = this.lastExit;
    if (this.isRunning || e === undefined) return this.isRunning ? 'running' : 'not started';
    return e.signal !== null ? `signal ${e.signal}` : `code ${e.code}`;
  }

  /** Attaches its output to the log file, starts it, and watches for its end. */
  start(): Promise<void> {
    const starting = this.startOnce();
    this.starting = starting.catch(() => undefined);
    return starting;
  }

  private async startOnce(): Promise<void> {
    const stream = await this.handle.attach({ stream: true, stdout: true, stderr: true });
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    this.docker.modem.demuxStream(stream, log, log);
    stream.on('end', () => log.end());
    stream.on('error', () => log.end());
    await this.handle.start();
    this.isRunning = true;
    this.exit = this.handle.wait().then(
      (r: { StatusCode?: number }) => {
        this.isRunning = false;
        const code = r.StatusCode ?? null;
        // the engine reports a signal death as 128 + signal
        this.lastExit = { code, signal: code === 137 ? 'SIGKILL' : code === 143 ? 'SIGTERM' : null };
        return this.lastExit;
      },
      () => {
        this.isRunning = false;
        this.lastExit = { code: null, signal: null };
        return this.lastExit;
      },
    );
  }

  async paused(): Promise<boolean> {
    const info = await this.handle.inspect();
    return info.State.Paused;
  }

  /** SIGKILL; resolves when the engine reports it exited. */
  async kill(): Promise<void> {
    if (this.isRunning) await idempotent(() => this.handle.kill({ signal: 'SIGKILL' }));
    await this.exit;
  }

  /** `docker stop` with `graceMs` before SIGKILL; a paused container is thawed first so it can act on SIGTERM. */
  async stop(graceMs: number): Promise<void> {
    if (!this.isRunning) return;
    if (await this.paused().catch(() => false)) await idempotent(() => this.handle.unpause());
    await idempotent(() => this.handle.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) }));
    await this.exit;
  }

  /** `docker pause` (the cgroup freezer); resolves when the engine reports it paused. */
  async pause(): Promise<void> {
    await this.handle.pause();
    await waitFor(() => this.paused(), { what: `${this.where} to be paused`, timeoutMs: 5000, intervalMs: 20 });
  }

  /** Thaws it; nothing to do when it is not paused (the engine would refuse). */
  async resume(): Promise<void> {
    if (!this.isRunning || !(await this.paused())) return;
    await idempotent(() => this.handle.unpause());
    await waitFor(async () => !(await this.paused()), { what: `${this.where} to run again`, timeoutMs: 5000, intervalMs: 20 });
  }

  /** Removes it, killing it if it runs (after a start still in flight, bounded). Never throws for a container already gone. */
  async remove(): Promise<void> {
    await withTimeout(this.starting, START_WAIT_MS, `${this.where} to finish starting`).catch(() => undefined);
    await idempotent(() => this.handle.remove({ force: true, v: true }));
    this.isRunning = false;
  }

  tail(lines = 30): Promise<string> {
    return tailOf(this.spec.logFile, lines);
  }
}

/**
 * Removes containers of earlier runs whose harness is gone (killed before it could clean up):
 * ours, started on this machine, by a process that no longer exists. Containers of a live
 * harness are left alone. Returns the names removed.
 */
export async function reapLeftoverContainers(docker: Docker, options: { dryRun?: boolean } = {}): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL.ours] } });
  const here = hostname();
  const leftovers = list.filter((c) => c.Labels[LABEL.ownerHost] === here && !pidAlive(Number(c.Labels[LABEL.ownerPid])));
  if (options.dryRun !== true)
    await Promise.all(
      leftovers.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
  return leftovers.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ''));
}

/** Removes every container owned by harness process `owner` on this machine (the watchdog, once that process is gone). */
export function reapContainersOf(docker: Docker, owner: number): Promise<string[]> {
  return removeContainersLabelled(docker, { [LABEL.ownerPid]: String(owner), [LABEL.ownerHost]: hostname() });
}

/** Removes every container, in any state (created, running, exited), that carries all of `labels`. Returns the names removed. */
export async function removeContainersLabelled(docker: Docker, labels: Record<string, string>): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  return list.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ''));
}
