import type { Observer } from '../cluster/observer.js';
import type { Network } from '../network/network.js';
import type { LinkTopology } from '../network/topology.js';
import type { Progress } from '../provision/progress.js';
import type { EnvironmentSpec } from '../schema/environment.js';

export type NodeKind = 'broker' | 'toxiproxy';

/** How a node ended: an exit code, or the signal that ended it. */
export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One running program of a run that is not a broker: a processor instance. A local process or a
 * container; the operations mean the same on both and resolve once their effect holds.
 */
export interface RunningNode {
  readonly name: string;
  /** `pid 1234` or `container 3f2a…`, for events and messages. */
  readonly where: string;
  /** OS process id of a local process. */
  readonly pid?: number;
  /** Container id of a container. */
  readonly container?: string;
  readonly running: boolean;
  /** Resolves when it ends, however it ends. */
  readonly exited: Promise<NodeExit>;
  /** SIGKILL; resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. Idempotent. */
  stop(graceMs: number): Promise<void>;
  /** Freezes it (SIGSTOP, docker pause); resolves when it is frozen. */
  pause(): Promise<void>;
  /** Thaws it; resolves when it runs again. */
  resume(): Promise<void>;
  /** The last lines of its output. */
  tail(lines?: number): Promise<string>;
}

/** What to run as a processor instance: ours, the user's command, or the user's image. */
export type ProcessorProgram =
  | { kind: 'ours'; script: string }
  | { kind: 'command'; argv: readonly string[] }
  | { kind: 'image'; image: string; command?: readonly string[] };

export interface ProcessorLaunch {
  /** `processor-1`. */
  name: string;
  program: ProcessorProgram;
  /** Variables it gets (STREAMCHAOS_* and the user's own). */
  env: Record<string, string>;
  /** Working folder; also where a container sees it, at the same path. */
  dir: string;
  /** Its output is appended here as it runs. */
  logFile: string;
  /** Labels for a container (run id and the like). */
  labels?: Record<string, string>;
}

/** Starts processor instances; the environment's runtime decides how. */
export type ProcessorLauncher = (launch: ProcessorLaunch) => Promise<RunningNode>;

export interface NodeInfo {
  /** `broker-1`, `broker-2`, …, `toxiproxy`. */
  name: string;
  kind: NodeKind;
  /** Broker id for brokers. */
  id?: number;
  /** OS process id (process runtime) while running. */
  pid?: number;
  /** Container id (docker runtime). */
  container?: string;
  running: boolean;
  log: string;
}

/**
 * An environment that is up. It exists only once every broker is registered, every declared
 * topic exists and every partition's ISR is full. Node operations resolve once their effect
 * can be observed, and reject with a TimeoutError naming the effect when it cannot.
 */
/** `T`: a managed environment's full Topology (its ports), or the LinkTopology of any environment. */
export interface StartedEnvironment<T extends LinkTopology = LinkTopology> {
  readonly spec: EnvironmentSpec;
  readonly topology: T;
  readonly network: Network;
  /** The harness's own client, on the listeners no fault touches. */
  readonly observer: Observer;
  /** Folder holding each node's config, data and log. */
  readonly dir: string;
  readonly runtime: string;
  nodes(): NodeInfo[];
  /** SIGKILL: resolves when the process is gone and its listeners refuse connections. */
  kill(node: string): Promise<void>;
  /** SIGTERM (a clean, controlled shutdown): resolves when the process has exited. */
  terminate(node: string): Promise<void>;
  /** SIGSTOP: resolves when the kernel reports the process stopped. */
  pause(node: string): Promise<void>;
  /** SIGCONT: resolves when the node answers requests again. */
  resume(node: string): Promise<void>;
  /** Terminates the node if it runs, starts it again, resolves when the cluster lists it as alive again. */
  restart(node: string): Promise<void>;
  /**
   * The run is ending and this environment is about to be torn down: a restart from now on
   * stops its node without starting it again (it rejects: nothing was healed), one waiting for
   * its node to register gives up (rejects), and a clean stop in progress becomes a SIGKILL,
   * since the teardown would only stop the node again. `down()` implies it.
   */
  windDown(): void;
  /** Starts a processor instance the way this runtime runs programs (a user's image always as a container). */
  startProcessor: ProcessorLauncher;
  /** What ran each kind of node, for the report: `java 17 (local)`, `apache/kafka:4.3.1`… */
  readonly images: Record<string, string>;
  /** Stops every node and closes the observer. Idempotent; never throws for a node already gone. */
  down(): Promise<void>;
}

export interface UpOptions {
  /** Folder for configs, data and logs; created if absent. */
  dir: string;
  progress: Progress;
  /** Bound on the whole startup, until healthy. */
  timeoutMs?: number;
  /** Harness log sink (client library warnings and the like). */
  log?: (line: string) => void;
  /** Who started it (a run id, `env up`): on every container, so cleanup can find it. */
  owner?: string;
}

export interface Runtime {
  readonly name: string;
  /** Starts the environment and waits until it is healthy; on failure, stops whatever it started. */
  up(spec: EnvironmentSpec, options: UpOptions): Promise<StartedEnvironment>;
}
