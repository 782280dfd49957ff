import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_KAFKA_VERSION } from '../../src/provision/kafka.js';
import { ensureTools } from '../../src/provision/tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Scratch folder of this test run: environments, state and logs live under it. */
    testRoot: string;
  }
}

/**
 * Provisions Kafka and Toxiproxy once (cached after the first time), gives every test a
 * scratch folder, and at the end makes sure no process started under it survives.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'streamchaos-test-'));
  project.provide('testRoot', root);
  process.env.STREAMCHAOS_TEST_ROOT = root;
  // no registry traffic from the tests: images come from the engine or `setup --docker`
  process.env.STREAMCHAOS_PULL ??= 'never';
  const log = (m: string): void => void process.stderr.write(`[setup] ${m}\n`);
  await ensureTools(DEFAULT_KAFKA_VERSION, { step: log, detail: () => undefined, done: log });
  return async () => {
    // the worker that ran the tests has just exited; the kernel takes its children with it (pdeathsig)
    for (let i = 0; i < 50 && processesUnder(root).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const leftovers = processesUnder(root);
    for (const pid of leftovers) {
      try {
        process.stderr.write(`[teardown] left behind: ${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200)}\n`);
      } catch {
        // exited meanwhile
      }
    }
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (leftovers.length > 0) process.stderr.write(`[teardown] killed ${leftovers.length} processes left under ${root}: a cleanup bug\n`);
    if (process.env.STREAMCHAOS_KEEP_TEST_ROOT === undefined) rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`[teardown] kept ${root}\n`);
  };
}

/** Pids of processes whose command line mentions `dir` or whose working directory is under it. */
export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cmdline.includes(dir) || cwd.startsWith(dir)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
