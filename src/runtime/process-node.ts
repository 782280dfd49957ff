import { UsageError } from '../errors.js';
import { waitFor } from '../util/time.js';
import { Child } from './child.js';
import type { NodeExit, ProcessorLaunch, RunningNode } from './runtime.js';

/** A processor instance as a local process (ours under this Node, or the user's command). */
export class ProcessNode implements RunningNode {
  readonly exited: Promise<NodeExit>;

  constructor(private readonly child: Child) {
    this.exited = child.exited;
  }

  get name(): string {
    return this.child.name;
  }

  get where(): string {
    return `pid ${this.child.pid}`;
  }

  get pid(): number {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.running;
  }

  async kill(): Promise<void> {
    await this.child.kill();
  }

  async stop(graceMs: number): Promise<void> {
    this.child.signal('SIGCONT'); // a stopped process cannot act on SIGTERM
    await this.child.stop(graceMs);
  }

  async pause(): Promise<void> {
    this.child.signal('SIGSTOP');
    await waitFor(async () => (await this.child.state()) === 'T', { what: `${this.name} (${this.where}) to stop`, timeoutMs: 5000, intervalMs: 20 });
  }

  async resume(): Promise<void> {
    this.child.signal('SIGCONT');
    await waitFor(async () => (await this.child.state()) !== 'T', { what: `${this.name} (${this.where}) to run again`, timeoutMs: 5000, intervalMs: 20 });
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
  const child = await Child.spawn({
    name: launch.name,
    command,
    args,
    cwd: launch.dir,
    logFile: launch.logFile,
    env: { ...process.env, ...launch.env },
  });
  return new ProcessNode(child);
}
