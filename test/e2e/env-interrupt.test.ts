import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readHistory } from '../../src/history/recorder.js';
import { waitFor } from '../../src/util/time.js';
import { processesUnder } from '../integration/global-setup.js';
import { BIN, cli, ROOT } from '../helpers/cli.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('an environment never outlives the harness', () => {
  it('Ctrl-C during env up stops everything it had started', async () => {
    const state = join(inject('testRoot'), 'interrupt-state');
    const child = spawn(process.execPath, [BIN, 'env', 'up', 'environments/local-3.yaml'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', STREAMCHAOS_STATE: state },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => stderr.includes('starting 3 brokers'), { what: 'env up to start brokers', timeoutMs: 120_000, intervalMs: 50 });
    expect(processesUnder(state).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    await exited;
    await waitFor(() => processesUnder(state).length === 0, { what: 'every process of the interrupted env up to exit', timeoutMs: 30_000 });
    const status = await cli(['env', 'status', '--json'], { STREAMCHAOS_STATE: state });
    expect(JSON.parse(status.stdout)).toEqual([]);
  });

  it('kill -9 of the supervisor takes its brokers and Toxiproxy with it (pdeathsig); env down tidies up', async () => {
    const state = join(inject('testRoot'), 'sigkill-state');
    const env = { STREAMCHAOS_STATE: state };
    const up = await cli(['env', 'up', 'environments/local-3.yaml', '--json'], env);
    expect(up.code).toBe(0);
    const info = JSON.parse(up.stdout) as { supervisorPid: number; nodes: { pid: number }[] };
    expect(info.nodes.map((n) => alive(n.pid))).toEqual([true, true, true, true]);
    process.kill(info.supervisorPid, 'SIGKILL');
    await waitFor(() => info.nodes.every((n) => !alive(n.pid)), { what: 'the nodes to die with their supervisor', timeoutMs: 15_000 });
    const status = await cli(['env', 'status'], env);
    expect(status.stdout).toContain('supervisor gone');
    const down = await cli(['env', 'down'], env);
    expect(down.code).toBe(0);
    expect(processesUnder(state)).toEqual([]);
  });
});

describe('an interrupted run', () => {
  it('Ctrl-C in the middle of a fault heals, tears everything down, exits 130, and leaves a readable history', async () => {
    const out = join(inject('testRoot'), 'interrupted-run');
    const child = spawn(process.execPath, [BIN, 'run', 'experiments/leader-isolated.yaml', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', STREAMCHAOS_STATE: join(inject('testRoot'), 'interrupted-state') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => stderr.includes('load for'), { what: 'the run to start its load', timeoutMs: 120_000, intervalMs: 100 });
    const history = join(out, 'history.jsonl');
    await waitFor(() => readFileSync(history, 'utf8').includes('"fault-start"'), { what: 'the fault to be injected', timeoutMs: 60_000, intervalMs: 200 });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await waitFor(() => processesUnder(out).length === 0, { what: 'every process of the run to exit', timeoutMs: 30_000 });
    const entries = await readHistory(history);
    expect(entries[0]?.type).toBe('run');
    expect(entries.some((e) => e.type === 'send')).toBe(true);
  });
});
