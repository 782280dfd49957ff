import { spawn } from 'node:child_process';
import { TimeoutError } from '../errors.js';

/** No command streamchaos runs takes this long, not even a first download of Kafka's jars: it hangs. */
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr together, for error messages. */
  tail: string[];
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with every line the command prints, stdout and stderr alike. */
  onLine?: (line: string) => void;
  tailLines?: number;
  /** Killed (SIGKILL) after this long, and the promise rejects with a TimeoutError. 30 minutes when absent. */
  timeoutMs?: number;
  /** What the command does, in words, for the timeout's message: `Maven to fetch Kafka 4.3.1`. The command line when absent. */
  what?: string;
}

/**
 * Runs a command to completion and resolves with its exit status and output tail.
 * Rejects when the command cannot be started at all (e.g. ENOENT), with that error, and with a
 * TimeoutError naming `what` when it runs longer than `timeoutMs` (it is killed then).
 */
export function exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const keep = options.tailLines ?? 40;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const partial = { out: '', err: '' };
    const feed = (which: 'out' | 'err', chunk: Buffer): void => {
      const text = partial[which] + chunk.toString('utf8');
      const lines = text.split('\n');
      partial[which] = lines.pop() ?? '';
      for (const line of lines) take(line);
    };
    const take = (line: string): void => {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line);
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const last = tail.slice(-5).join('\n');
      reject(new TimeoutError(options.what ?? [command, ...args].join(' '), timeoutMs, last === '' ? undefined : { hint: `its last lines:\n${last}` }));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => feed('out', c));
    child.stderr.on('data', (c: Buffer) => feed('err', c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial.out !== '') take(partial.out);
      if (partial.err !== '') take(partial.err);
      resolve({ code, signal, tail });
    });
  });
}

/** The full path of `command` found on env's PATH (or the path itself when it names an executable file). */
export async function which(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const { access, constants } = await import('node:fs/promises');
  const { delimiter, join, isAbsolute } = await import('node:path');
  const candidates =
    isAbsolute(command) || command.includes('/')
      ? [command]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
