import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LagReader, waitForCaughtUp } from '../cluster/lag.js';
import { securityEnv, securityOf } from '../cluster/security.js';
import { EnvironmentError, UsageError } from '../errors.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { NodeExit, ProcessorLauncher, ProcessorProgram, RunningNode } from '../runtime/runtime.js';
import type { ProcessorSpec } from '../schema/experiment.js';
import { waitFor, withTimeout } from '../util/time.js';
import { interruptedBy } from '../util/cleanup-stack.js';

const MAIN = fileURLToPath(new URL('./processor-main.js', import.meta.url));
/** Starting an instance: a process in a moment; a container may first need its image pulled (bounded at 10 min). */
const LAUNCH_MS = 720_000;
/** A signal's effect (killed, frozen, thawed) on a process or a container. */
const SIGNAL_MS = 30_000;
/** Stopping an instance, on top of its grace period. */
const STOP_MARGIN_MS = 30_000;

export interface ProcessorGroupOptions {
  spec: ProcessorSpec;
  /** Its consumer group, as the plan resolved it. */
  group: string;
  /** How many partitions the output topic has. */
  outputPartitions: number;
  /** Client bootstrap (through the client link proxies). */
  bootstrap: string;
  /** Observer bootstrap, for reading the group's progress. */
  observer: string;
  dir: string;
  history: HistoryRecorder;
  /** Starts an instance: the environment's `startProcessor`, or `launchProcess` alone. */
  launch: ProcessorLauncher;
  /** Labels for containers (the run id). */
  labels?: Record<string, string>;
  /** The Kafka client of our processor, as the plan chose it (librdkafka when not said). */
  client?: string;
}

/**
 * The processor instances of a run in one consumer group: ours, the user's command or the
 * user's image, each a local process or a container as the runtime launches it, tied to the
 * harness's life. Node operations mirror the brokers': kill (SIGKILL), pause, resume, restart.
 */
export class ProcessorGroup {
  readonly group: string;
  private readonly children = new Map<number, RunningNode>();
  /** Instances that are down on purpose (a fault killed them, or the group is stopping): not restarted. */
  private readonly downOnPurpose = new Set<number>();
  private stopping = false;

  constructor(private readonly options: ProcessorGroupOptions) {
    this.group = options.group;
  }

  names(): string[] {
    return [...this.children.keys()].sort((a, b) => a - b).map((i) => `processor-${i}`);
  }

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.spec.instances }, (_, i) => this.startInstance(i + 1)));
  }

  private program(): ProcessorProgram {
    const spec = this.options.spec;
    if (spec.image !== undefined) return { kind: 'image', image: spec.image, ...(spec.command === undefined ? {} : { command: spec.command }) };
    if (spec.command !== undefined) return { kind: 'command', argv: spec.command };
    return { kind: 'ours', script: MAIN };
  }

  private async startInstance(i: number): Promise<RunningNode> {
    const spec = this.options.spec;
    const log = join(this.options.dir, `processor-${i}.log`);
    const launched = this.options.launch({
      name: `processor-${i}`,
      program: this.program(),
      dir: this.options.dir,
      logFile: log,
      ...(this.options.labels === undefined ? {} : { labels: this.options.labels }),
      env: {
        ...spec.env,
        STREAMCHAOS_INSTANCE: `processor-${i}`,
        STREAMCHAOS_BOOTSTRAP: this.options.bootstrap,
        STREAMCHAOS_INPUT: spec.input,
        STREAMCHAOS_OUTPUT: spec.output,
        STREAMCHAOS_OUTPUT_PARTITIONS: String(this.options.outputPartitions),
        STREAMCHAOS_GROUP: this.group,
        STREAMCHAOS_MODE: spec.mode,
        STREAMCHAOS_ID_HEADER: spec.idHeader,
        ...(this.options.client === undefined ? {} : { STREAMCHAOS_CLIENT: this.options.client }),
        // TLS / SASL settings (secrets too) by environment, never argv
        ...securityEnv(securityOf(this.options.bootstrap)),
      },
    });
    const child = await withTimeout(launched, LAUNCH_MS, `processor-${i} to start`);
    this.children.set(i, child);
    this.downOnPurpose.delete(i);
    this.options.history.record({
      type: 'event',
      kind: 'node-up',
      time: Date.now(),
      name: `processor-${i}`,
      detail: child.pid !== undefined ? { pid: child.pid } : { container: child.container },
    });
    void child.exited.then((exit) => this.onExit(i, child, exit));
    if (spec.command === undefined && spec.image === undefined) {
      await waitFor(async () => (await readFile(log, 'utf8').catch(() => '')).includes('ready'), {
        what: `processor-${i} to join its consumer group`,
        timeoutMs: 90_000,
        intervalMs: 200,
        abortIf: async () => (child.running ? undefined : new EnvironmentError(`processor-${i} exited at startup:\n${await child.tail(20)}`)),
      });
    }
    return child;
  }

  /** An instance that exits on its own (a crash, or its hung-consumer watchdog) is recorded and started again. */
  private onExit(i: number, child: RunningNode, exit: NodeExit): void {
    if (this.stopping || this.downOnPurpose.has(i) || this.children.get(i) !== child) return;
    this.options.history.record({
      type: 'event',
      kind: 'node-down',
      time: Date.now(),
      name: `processor-${i}`,
      detail: { exited: exit.signal ?? exit.code, restarting: true },
    });
    setTimeout(() => {
      if (!this.stopping && this.children.get(i) === child) void this.startInstance(i).catch(() => undefined);
    }, 1000);
  }

  async kill(name: string): Promise<void> {
    const { i, child } = this.instance(name);
    this.downOnPurpose.add(i);
    await withTimeout(child.kill(), SIGNAL_MS, `${name} (${child.where}) to exit after SIGKILL`);
    this.options.history.record({ type: 'event', kind: 'node-down', time: Date.now(), name, detail: { signal: 'SIGKILL' } });
  }

  async pause(name: string): Promise<void> {
    const { child } = this.instance(name);
    await withTimeout(child.pause(), SIGNAL_MS, `${name} (${child.where}) to be paused`);
  }

  async resume(name: string): Promise<void> {
    const { child } = this.instance(name);
    await withTimeout(child.resume(), SIGNAL_MS, `${name} (${child.where}) to run again`);
  }

  async restart(name: string): Promise<void> {
    const { i, child } = this.instance(name);
    this.downOnPurpose.add(i);
    await withTimeout(child.stop(5000), 5000 + STOP_MARGIN_MS, `${name} (${child.where}) to stop`);
    if (interruptedBy() !== undefined) return; // being torn down: nothing to bring back
    await this.startInstance(i);
  }

  /** Running instances. */
  alive(): string[] {
    return [...this.children.entries()].filter(([, c]) => c.running).map(([i]) => `processor-${i}`);
  }

  /**
   * Waits until the group has committed offsets at the end of every input partition (lag 0),
   * for at most `timeoutMs`. Resolves with the lag left (0 when drained).
   */
  async drain(timeoutMs: number): Promise<number> {
    const reader = new LagReader(this.options.observer, 5000, 'streamchaos-drain');
    try {
      return await waitForCaughtUp(reader, this.group, this.options.spec.input, timeoutMs);
    } finally {
      await reader.close();
    }
  }

  /** Stops every instance (SIGTERM, SIGKILL after 10 s); rejects with a TimeoutError naming one that is still not gone 30 s later. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.children.values()].map((c) => withTimeout(c.stop(10_000), 10_000 + STOP_MARGIN_MS, `${c.name} (${c.where}) to stop`)));
  }

  private instance(name: string): { i: number; child: RunningNode } {
    const m = /^processor-(\d+)$/.exec(name);
    const i = m === null ? NaN : Number(m[1]);
    const child = this.children.get(i);
    if (child === undefined) throw new UsageError(`no processor named '${name}' (there are ${this.names().join(', ')})`);
    return { i, child };
  }
}
