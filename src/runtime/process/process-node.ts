import { UsageError } from '../../errors.js';
import { waitFor } from '../../util/time.js';
import { Child, type ChildSpec } from './child.js';
import type { BrokerNode } from '../node-environment.js';
import type { NodeExit, ProcessorLaunch } from '../runtime.js';

/**
 * A node as a local process, tied to the harness's life: a broker JVM, or a processor instance
 * (ours under this Node, or the user's command). `start` runs the same command again once it
 * has exited.
 */
export class ProcessNode implements BrokerNode {
  private constructor(
    private child: Child,
    private readonly spec: ChildSpec,
  ) {}

  static async spawn(spec: ChildSpec): Promise<ProcessNode> {
    return new ProcessNode(await Child.spawn(spec), spec);
  }

  get name(): string {
    return this.spec.name;
  }

  get where(): string {
    return `pid ${this.child.pid}`;
  }

  get pid(): number | undefined {
    return this.child.running ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.child.running;
  }

  get exited(): Promise<NodeExit> {
    return this.child.exited;
  }

  get log(): string {
    return this.spec.logFile;
  }

  describeExit(): string {
    const s = this.child.exitStatus;
    return s === undefined ? 'running' : s.signal !== null ? `signal ${s.signal}` : `code ${s.code}`;
  }

  async start(): Promise<void> {
    if (this.child.running) throw new Error(`${this.name} is already running (${this.where})`);
    this.child = await Child.spawn(this.spec);
  }

  async kill(): Promise<void> {
    await this.child.kill();
  }

  async stop(graceMs: number): Promise<void> {
    this.child.signal('SIGCONT'); // a stopped process cannot act on SIGTERM
    await this.child.stop(graceMs);
  }

  async pause(): Promise<void> {
    if (!this.child.running) throw new UsageError(`cannot pause ${this.name}: it is not running`);
    this.child.signal('SIGSTOP');
    await waitFor(async () => (await this.child.state()) === 'T', {
      what: `${this.name} (${this.where}) to be stopped by SIGSTOP`,
      timeoutMs: 5000,
      intervalMs: 20,
    });
  }

  async resume(): Promise<void> {
    this.child.signal('SIGCONT');
    await waitFor(async () => (await this.child.state()) !== 'T', {
      what: `${this.name} (${this.where}) to run again after SIGCONT`,
      timeoutMs: 5000,
      intervalMs: 20,
    });
  }

  tail(lines?: number): Promise<string> {
    return this.child.tail(lines);
  }
}

/** Starts ours or the user's command as a local process, tied to the harness's life. */
export async function launchProcess(launch: ProcessorLaunch): Promise<ProcessNode> {
  const program = launch.program;
  if (program.kind === 'image') throw new Error(`launchProcess cannot run image ${program.image}`);
  const [command, ...args] = program.kind === 'ours' ? [process.execPath, program.script] : program.argv;
  if (command === undefined) throw new UsageError('the processor command is empty');
  return ProcessNode.spawn({
    name: launch.name,
    command,
    args,
    cwd: launch.dir,
    logFile: launch.logFile,
    env: { ...process.env, ...launch.env },
  });
}
