import type { Observer } from '../cluster/observer.js';
import { probeKafka } from '../cluster/probe.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { once, type Network } from '../network/network.js';
import type { Topology } from '../network/topology.js';
import type { EnvironmentSpec } from '../schema/environment.js';
import { waitFor } from '../util/time.js';
import { interruptedBy, type Cleanup } from '../util/cleanup-stack.js';
import type { NodeInfo, ProcessorLauncher, RunningNode, StartedEnvironment } from './runtime.js';

const NODE_OP_TIMEOUT_MS = 60_000;
/** How long a killed broker may take to stop answering before the kill counts as failed. */
const GONE_MS = 10_000;

/** A clean stop overtaken by the teardown: it becomes a kill. */
class Hurried extends Error {}

/** A broker as a runtime runs it (a local JVM, a container): a RunningNode that can be started again. */
export interface BrokerNode extends RunningNode {
  /** Its log file, in the run folder. */
  readonly log: string;
  /** `code 1`, `signal SIGKILL`, `running`: for messages. */
  describeExit(): string;
  /** Starts it again after it has exited, with the same command and storage. */
  start(): Promise<void>;
}

/** What an environment needs from its runtime, besides the brokers. */
export interface NodeEnvironmentParts {
  runtime: string;
  spec: EnvironmentSpec;
  topology: Topology;
  network: Network;
  observer: Observer;
  dir: string;
  brokers: ReadonlyMap<number, BrokerNode>;
  toxiproxy: RunningNode & { readonly log: string };
  startProcessor: ProcessorLauncher;
  images: Record<string, string>;
  cleanup: Cleanup;
}

/**
 * An environment that is up, whatever runs its nodes: the node operations mean the same on
 * every runtime and resolve once their effect can be observed through Kafka.
 */
export class NodeEnvironment implements StartedEnvironment<Topology> {
  readonly runtime: string;
  readonly spec: EnvironmentSpec;
  readonly topology: Topology;
  readonly network: Network;
  readonly observer: Observer;
  readonly dir: string;
  readonly images: Record<string, string>;
  readonly startProcessor: ProcessorLauncher;
  readonly down: () => Promise<void>;
  private readonly brokers: ReadonlyMap<number, BrokerNode>;
  private readonly toxiproxy: NodeEnvironmentParts['toxiproxy'];
  private woundDown = false;
  /**
   * Aborted when the environment is about to be torn down (windDown, down): a clean stop in
   * progress becomes a SIGKILL at once, and no node operation waits any more for the cluster.
   */
  private readonly ending = new AbortController();

  constructor(parts: NodeEnvironmentParts) {
    ({ runtime: this.runtime, spec: this.spec, topology: this.topology, network: this.network, observer: this.observer, dir: this.dir } = parts);
    ({ images: this.images, startProcessor: this.startProcessor, brokers: this.brokers, toxiproxy: this.toxiproxy } = parts);
    this.down = once(async () => {
      this.ending.abort(); // a restart or a clean stop still in progress ends now
      const errors = await parts.cleanup.run();
      if (errors.length > 0) throw new EnvironmentError(errors.map((e) => e.message).join('\n'));
    });
  }

  nodes(): NodeInfo[] {
    const info = (name: string, kind: NodeInfo['kind'], n: RunningNode & { log: string }, id?: number): NodeInfo => ({
      name,
      kind,
      ...(id === undefined ? {} : { id }),
      ...(n.pid === undefined ? {} : { pid: n.pid }),
      ...(n.container === undefined ? {} : { container: n.container }),
      running: n.running,
      log: n.log,
    });
    const brokers = [...this.brokers.entries()].sort(([a], [b]) => a - b).map(([id, n]) => info(`broker-${id}`, 'broker', n, id));
    return [...brokers, info('toxiproxy', 'toxiproxy', this.toxiproxy)];
  }

  /** SIGKILL: resolves when it is gone and its listeners refuse connections. */
  async kill(node: string): Promise<void> {
    const { broker, observer } = this.broker(node);
    await broker.kill();
    if (this.tearingDown()) return; // nobody will look at it again
    await waitFor(async () => !(await probeKafka(observer, 500)), { what: `${node} to stop answering on ${observer}`, timeoutMs: GONE_MS });
  }

  async terminate(node: string): Promise<void> {
    await this.stopBroker(this.broker(node).broker);
  }

  async pause(node: string): Promise<void> {
    const { broker } = this.broker(node);
    if (!broker.running) throw new UsageError(`cannot pause ${node}: it is not running`);
    await broker.pause();
  }

  async resume(node: string): Promise<void> {
    const { broker, observer } = this.broker(node);
    await broker.resume();
    if (this.tearingDown()) return; // running again is all a teardown needs (a stopped process cannot act on SIGTERM)
    await waitFor(() => probeKafka(observer, 1000), {
      what: `${node} to answer on ${observer} again`,
      timeoutMs: 30_000,
      intervalMs: 50,
      abortIf: () =>
        this.tearingDown() ? new EnvironmentError(`${node} was resumed, but the environment is being torn down: not waiting for it to answer`) : undefined,
    });
  }

  /**
   * Stops it (if running) and starts it again; resolves once it has registered with the cluster.
   * Once the environment is being torn down it starts nothing and waits for nothing: it rejects,
   * at once or as soon as the teardown begins, so that no heal is said to have happened.
   */
  async restart(node: string): Promise<void> {
    const { id, broker } = this.broker(node);
    await this.stopBroker(broker);
    // interrupted (Ctrl-C) or wound down, the environment is being torn down: a broker started
    // now would only race that teardown, and wait in vain for controllers that are going away
    const notNow = (): EnvironmentError => new EnvironmentError(`${node} was stopped and not started again: the environment is being torn down`);
    if (this.tearingDown()) throw notNow();
    await this.unlessEnding(broker.start(), notNow);
    const registered = waitFor(
      async () => {
        if (!broker.running) throw new EnvironmentError(`${node} exited while restarting:\n${await broker.tail(20)}`);
        return (await this.observer.liveBrokers()).includes(id);
      },
      { what: `${node} to register with the cluster again`, timeoutMs: NODE_OP_TIMEOUT_MS, intervalMs: 250, hint: () => broker.tail(20) },
    );
    await this.unlessEnding(
      registered,
      () => new EnvironmentError(`${node} was started again, but the environment is being torn down: not waiting for it to register`),
    );
  }

  windDown(): void {
    this.woundDown = true;
    this.ending.abort();
  }

  /**
   * The run wound this environment down (its end, early or not) or the harness was interrupted:
   * what is left is torn down by SIGKILL, with nothing to wait for (its data is thrown away).
   */
  get hurried(): boolean {
    return this.woundDown || interruptedBy() !== undefined;
  }

  private tearingDown(): boolean {
    return this.ending.signal.aborted || interruptedBy() !== undefined;
  }

  /** `work`, unless the teardown begins first (or has begun): then rejects at once with `error()`, leaving `work` to end on its own. */
  private async unlessEnding<T>(work: Promise<T>, error: () => Error): Promise<T> {
    work.catch(() => undefined); // abandoned when the teardown wins: its failure is nobody's business
    const signal = this.ending.signal;
    if (signal.aborted) throw error();
    let onEnd: () => void = () => undefined;
    const ending = new Promise<never>((_, reject) => {
      onEnd = () => reject(error());
      signal.addEventListener('abort', onEnd, { once: true });
    });
    try {
      return await Promise.race([work, ending]);
    } finally {
      signal.removeEventListener('abort', onEnd);
    }
  }

  /**
   * A clean stop (SIGTERM: a controlled shutdown, up to NODE_OP_TIMEOUT_MS), which becomes a
   * SIGKILL at once when the environment is being torn down, before or while it waits: with its
   * peers going away, a controlled shutdown would wait for them in vain.
   */
  private async stopBroker(broker: BrokerNode): Promise<void> {
    if (this.tearingDown()) return broker.kill();
    try {
      await this.unlessEnding(broker.stop(NODE_OP_TIMEOUT_MS), () => new Hurried());
    } catch (e) {
      if (!(e instanceof Hurried)) throw e;
      await broker.kill();
    }
  }

  private broker(node: string): { id: number; broker: BrokerNode; observer: string } {
    const m = /^broker-(\d+)$/.exec(node);
    const id = m === null ? NaN : Number(m[1]);
    const broker = this.brokers.get(id);
    const endpoints = this.topology.brokers.find((b) => b.id === id);
    if (broker === undefined || endpoints === undefined) {
      throw new UsageError(
        `no node named '${node}' in environment ${this.spec.name} (its brokers: ${[...this.brokers.keys()].map((b) => `broker-${b}`).join(', ')})`,
      );
    }
    return { id, broker, observer: endpoints.observer };
  }
}

/** While an environment starts: an error when a broker has died (no point waiting further), else undefined. */
export async function brokerExited(brokers: ReadonlyMap<number, BrokerNode>): Promise<EnvironmentError | undefined> {
  const dead = [...brokers.values()].filter((b) => !b.running);
  if (dead.length === 0) return undefined;
  const parts = await Promise.all(dead.map(async (b) => `${b.name} exited (${b.describeExit()}); last lines of ${b.log}:\n${await b.tail(25)}`));
  return new EnvironmentError(`a broker stopped during startup\n${parts.join('\n\n')}`);
}

/** The log tails of brokers that died, or else of every broker, for a startup error. */
export async function failingBrokerLogs(brokers: ReadonlyMap<number, BrokerNode>): Promise<string> {
  const all = [...brokers.values()];
  const dead = all.filter((b) => !b.running);
  const show = dead.length > 0 ? dead : all;
  const parts = await Promise.all(show.map(async (b) => `--- ${b.name} (${b.describeExit()}), last lines of ${b.log}:\n${await b.tail(15)}`));
  return parts.join('\n');
}
