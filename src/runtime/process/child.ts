import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { which } from '../../util/exec.js';
import { OWNER_VARIABLE } from '../leftovers.js';
import { startWatchdog } from '../watchdog.js';

export interface ChildSpec {
  /** The node's name, e.g. `broker-2`; used in messages. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How long a process may take to be gone after SIGKILL (the kernel frees its memory first) before we stop waiting. */
export const KILL_WAIT_MS = 10_000;

let setprivPath: Promise<string | undefined> | undefined;

/**
 * A process we started, in its own process group, tied to our life: on Linux it is started
 * through `setpriv --pdeathsig KILL`, so the kernel kills it if the harness dies, even by SIGKILL.
 * It also carries its owner's pid (STREAMCHAOS_OWNER_PID), for the watchdog and
 * `streamchaos cleanup` where pdeathsig is not there. Signals go to the whole process group.
 */
export class Child {
  private exit: ChildExit | undefined;
  readonly exited: Promise<ChildExit>;

  private constructor(
    readonly spec: ChildSpec,
    readonly pid: number,
    exited: Promise<ChildExit>,
  ) {
    this.exited = exited.then((e) => (this.exit = e));
  }

  static async spawn(spec: ChildSpec): Promise<Child> {
    setprivPath ??= process.platform === 'linux' ? which('setpriv') : Promise.resolve(undefined);
    const setpriv = await setprivPath;
    const [command, args] = setpriv === undefined ? [spec.command, spec.args] : [setpriv, ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args]];
    const fd = openSync(spec.logFile, 'a');
    try {
      startWatchdog();
      const env = { ...(spec.env ?? process.env), [OWNER_VARIABLE]: String(process.pid) };
      const child = spawn(command, args, { cwd: spec.cwd, env, detached: true, stdio: ['ignore', fd, fd] });
      const exited = new Promise<ChildExit>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
      if (child.pid === undefined) {
        await exited; // rejects with the spawn error (e.g. ENOENT)
        throw new Error(`could not start ${spec.name} (${spec.command})`);
      }
      return new Child(spec, child.pid, exited);
    } finally {
      closeSync(fd);
    }
  }

  get name(): string {
    return this.spec.name;
  }

  /** How it ended, or undefined while it runs. */
  get exitStatus(): ChildExit | undefined {
    return this.exit;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends `signal` to the child's process group. Does nothing once it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        process.kill(this.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /**
   * Asks (SIGTERM), then insists (SIGKILL after `graceMs`), then waits for the exit. Idempotent.
   * Rejects when it has not exited KILL_WAIT_MS after SIGKILL (a process stuck in the kernel):
   * nothing more can be done about it here, and a teardown must not wait for it forever.
   */
  async stop(graceMs: number): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    if (!(await this.exitsWithin(graceMs))) return this.kill();
    return this.exited;
  }

  /** SIGKILL and wait for the exit (bounded: see `stop`). */
  async kill(): Promise<ChildExit> {
    this.signal('SIGKILL');
    if (!(await this.exitsWithin(KILL_WAIT_MS))) throw new Error(`${this.name} (pid ${this.pid}) did not exit within ${KILL_WAIT_MS} ms of SIGKILL`);
    return this.exited;
  }

  /** Whether it exits within `ms`; leaves no timer behind. */
  private async exitsWithin(ms: number): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.exited.then(() => true), gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The kernel's view of the main process (setpriv execs the real command, so the pid is the
   * JVM's): 'T' when stopped by SIGSTOP, 'R'/'S'/'D' when running or sleeping.
   */
  async state(): Promise<string | undefined> {
    if (!this.running) return undefined;
    try {
      const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    } catch {
      return undefined;
    }
  }

  /** The last `lines` lines of the child's log. */
  tail(lines = 30): Promise<string> {
    return tailOf(this.spec.logFile, lines);
  }
}

/** The last `lines` lines of a node's log file, or `(no log)`. */
export async function tailOf(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
