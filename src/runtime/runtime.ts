import type { Observer } from '../cluster/observer.js';
import type { Network } from '../network/links.js';
import type { Topology } from '../network/topology.js';
import type { Tools } from '../provision/setup.js';
import type { Progress } from '../provision/progress.js';
import type { EnvironmentSpec } from '../spec/environment.js';

export type NodeKind = 'broker' | 'toxiproxy';

export interface NodeInfo {
  /** `broker-1`, `broker-2`, …, `toxiproxy`. */
  name: string;
  kind: NodeKind;
  /** Broker id for brokers. */
  id?: number;
  /** OS process id (process runtime) while running. */
  pid?: number;
  running: boolean;
  log: string;
}

/**
 * An environment that is up. It exists only once every broker is registered, every declared
 * topic exists and every partition's ISR is full. Node operations resolve once their effect
 * can be observed, and reject with a TimeoutError naming the effect when it cannot.
 */
export interface StartedEnvironment {
  readonly spec: EnvironmentSpec;
  readonly topology: Topology;
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
  /** Stops every node and closes the observer. Idempotent; never throws for a node already gone. */
  down(): Promise<void>;
}

export interface UpOptions {
  /** Folder for configs, data and logs; created if absent. */
  dir: string;
  tools: Tools;
  progress: Progress;
  /** Bound on the whole startup, until healthy. */
  timeoutMs?: number;
  /** Harness log sink (client library warnings and the like). */
  log?: (line: string) => void;
}

export interface Runtime {
  readonly name: string;
  /** Starts the environment and waits until it is healthy; on failure, stops whatever it started. */
  up(spec: EnvironmentSpec, options: UpOptions): Promise<StartedEnvironment>;
}
