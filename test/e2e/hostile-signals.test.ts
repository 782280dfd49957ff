/**
 * Files that would block a reader — a FIFO nobody writes to, /dev/stdin on a pipe nobody
 * writes to — named as an experiment's environment: `validate` refuses them at once (exit 2)
 * without waiting on them, and a command that has started nothing ends promptly on SIGINT or
 * SIGTERM with 130 or 143, without claiming to heal anything (issue 14, points 1 and 8).
 * Runs the built CLI (`npm run build` first), as a CI job would.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From the signal (or from the start, without one) to the exit. */
  ms: number;
}

let dir = '';
const experiment = (environment: string): string =>
  [`environment: ${environment}`, 'duration: 30s', 'workload:', '  producers: [{ topic: orders, rate: 10 }]', ''].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamchaos-hostile-signals-'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'env-fifo.yaml'), experiment('fifo'));
  writeFileSync(join(dir, 'env-stdin.yaml'), experiment('/dev/stdin'));
  // enough ordinary files after the hostile ones that validate is still at work when the signal comes
  mkdirSync(join(dir, 'many'));
  for (let i = 0; i < 300; i++) copyFileSync(join(ROOT, 'experiments', 'leader-kill.yaml'), join(dir, 'many', `e${i}.yaml`));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manyFiles = (): string[] => Array.from({ length: 300 }, (_, i) => join(dir, 'many', `e${i}.yaml`));

/** Spawns `streamchaos <args>` with stdin an open pipe nobody writes to; sends `signal` once the first line of output shows it is at work. */
function runCli(args: readonly string[], signal?: NodeJS.Signals, limitMs = 20_000): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let from = performance.now();
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (signal !== undefined && !sent) {
        sent = true;
        from = performance.now();
        child.kill(signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`streamchaos ${args.slice(0, 3).join(' ')}… still running after ${limitMs} ms\n${stdout.slice(0, 2000)}\n${stderr.slice(0, 2000)}`));
    }, limitMs);
    child.on('error', reject);
    child.on('close', (code, endedBy) => {
      clearTimeout(timer);
      child.stdin.destroy();
      if (signal !== undefined && !sent) reject(new Error(`streamchaos ended (exit ${code}) before the signal was sent\n${stderr}`));
      else resolve({ code, signal: endedBy, stdout, stderr, ms: performance.now() - from });
    });
  });
}

describe('files that would block a reader are refused without waiting on them', () => {
  it('an environment that is a FIFO: exit 2 at once, naming the FIFO', async () => {
    const r = await runCli(['validate', join(dir, 'env-fifo.yaml')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/env-fifo\.yaml:1:14: environment: .*fifo is a FIFO \(a pipe/);
    expect(r.ms).toBeLessThan(5_000); // node's start included; before the fix it never ended
  });

  it('an environment of /dev/stdin while stdin is an open socket nobody writes to (as node spawns it): exit 2 at once', async () => {
    const r = await runCli(['validate', join(dir, 'env-stdin.yaml')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/env-stdin\.yaml:1:14: environment: \/dev\/stdin is a symbolic link to a socket, not an environment file/);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('an environment of /dev/stdin while stdin is an open pipe nobody writes to (`sleep | streamchaos`): exit 2 at once', async () => {
    // the shell reports validate's exit as soon as it ends; sleep, the silent writer, is killed with it afterwards
    const started = performance.now();
    const shell = spawn('sh', ['-c', `sleep 60 | { "$0" "$1" validate "$2"; echo "exit=$?" >&2; }`, process.execPath, BIN, join(dir, 'env-stdin.yaml')], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exit = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`validate still reading /dev/stdin after 10 s\n${stdout}\n${stderr}`)), 10_000);
      shell.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /exit=(\d+)/.exec(stderr);
        if (found?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
    }).finally(() => {
      if (shell.pid !== undefined) process.kill(-shell.pid, 'SIGKILL');
    });
    expect(exit, stdout + stderr).toBe('2');
    expect(stdout).toMatch(/env-stdin\.yaml:1:14: environment: \/dev\/stdin is a symbolic link to a FIFO \(a pipe/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('a command that has started nothing ends promptly on a signal', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} during validate of a FIFO, /dev/stdin and more: exit ${code} within 2 s, nothing claimed healed`, async () => {
      const r = await runCli(['validate', join(dir, 'env-fifo.yaml'), join(dir, 'env-stdin.yaml'), ...manyFiles()], signal);
      expect(r.code, r.stderr).toBe(code);
      expect(r.ms).toBeLessThan(2_000);
      expect(r.stderr).toContain(`${signal}: interrupted; nothing had been started`);
      expect(r.stderr).not.toMatch(/healing|nothing of this run is left running/);
      // it was interrupted: it did not get through every file
      expect(r.stdout.split('\n').filter((line) => line.startsWith('✗') || line.startsWith('✓')).length).toBeLessThan(302);
    });
  }
});
