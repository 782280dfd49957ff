import { main } from '../../src/cli/main.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the command line in this process, as `streamchaos <args>` would, and returns its exit code
 * and what it printed. For commands that start nothing (validate, plan, report): far faster than
 * a process per case, so a corpus of hundreds of files stays a unit test. Rejects when the command
 * has not finished within `timeoutMs` (a hang is a finding, not a wait).
 */
export async function runInProcess(args: readonly string[], timeoutMs = 10_000): Promise<InProcessResult> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const signalsBefore = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      main(args),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`streamchaos ${args.join(' ')} did not finish within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { code, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const l of process.listeners(signal)) if (!signalsBefore[signal].includes(l)) process.removeListener(signal, l);
    }
  }
}
