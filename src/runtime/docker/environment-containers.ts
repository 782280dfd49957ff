import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { withTimeout } from '../../util/time.js';
import { Container, removeContainersLabelled, type ContainerSpec } from './container.js';
import { LABEL } from './engine.js';

/** How long a teardown waits for container creates still in flight before it removes what it has (the watchdog sweeps after it). */
export const IN_FLIGHT_WAIT_MS = 30_000;

/**
 * Every container of one environment, those whose create the engine has not answered yet
 * included. A teardown that begins while a create is in flight must not miss the container
 * that create makes: `close()` refuses new creates and has every create that resolves
 * afterwards remove its container at once; `removeAll()` then waits (bounded) for the creates
 * in flight, removes every container it knows of, and last sweeps the engine for any container
 * of this environment and harness process that is still there, in any state.
 */
export class EnvironmentContainers {
  private readonly known = new Set<Container>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly environment: string,
    private readonly options: { inFlightWaitMs?: number } = {},
  ) {}

  /** Creates a container of the environment; rejects, having removed it, when the environment began to be torn down meanwhile. */
  create(spec: ContainerSpec): Promise<Container> {
    if (this.closed) return Promise.reject(tornDown(spec.containerName));
    const creating = this.createTracked(spec);
    const settled = creating.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return creating;
  }

  /** Removes one container (a format step done, a processor replaced) and forgets it. */
  async remove(container: Container): Promise<void> {
    await container.remove();
    this.known.delete(container);
  }

  /** From now on no container is created: a create still in flight removes its container as soon as the engine answers. */
  close(): void {
    this.closed = true;
  }

  get createsInFlight(): number {
    return this.inFlight.size;
  }

  /** Closes, waits for the creates in flight (bounded), removes every container of the environment; throws what failed, having tried all. */
  async removeAll(): Promise<void> {
    this.close();
    const waitMs = this.options.inFlightWaitMs ?? IN_FLIGHT_WAIT_MS;
    await withTimeout(Promise.all([...this.inFlight]), waitMs, 'container creates in flight to be answered').catch(() => undefined);
    const containers = [...this.known];
    const outcomes = await Promise.allSettled(containers.map((c) => this.remove(c)));
    // one whose create answered with an error, or not yet, may exist all the same: by its labels
    const swept = await removeContainersLabelled(this.docker, {
      [LABEL.environment]: this.environment,
      [LABEL.ownerPid]: String(process.pid),
      [LABEL.ownerHost]: hostname(),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const failed = [...outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : [])), ...(swept === undefined ? [] : [swept])];
    if (failed.length > 0) throw new EnvironmentError(`could not remove every container of ${this.environment}: ${failed.map(message).join('; ')}`);
  }

  private async createTracked(spec: ContainerSpec): Promise<Container> {
    const container = await Container.create(this.docker, spec);
    if (this.closed) {
      await container.remove();
      throw tornDown(spec.containerName);
    }
    this.known.add(container);
    return container;
  }
}

function tornDown(name: string): EnvironmentError {
  return new EnvironmentError(`${name} was not (or no longer) wanted: its environment is being torn down`);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
