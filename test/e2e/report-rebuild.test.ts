import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { RunResult } from '../../src/check/result.js';
import { readHistory } from '../../src/history/recorder.js';
import { waitFor } from '../../src/util/time.js';
import { BIN, cli, ROOT } from '../helpers/cli.js';
import { processesUnder } from '../integration/global-setup.js';

/**
 * Record, then judge, on real Kafka and Toxiproxy: `streamchaos report` on a run's folder
 * rebuilds the verdict the live run gave — for a clean run, for a run with a fault that failed
 * to inject — and a run killed outright (SIGKILL) is rebuilt as unknown, claiming nothing it
 * never saw. (The run cut by --deadline is compared in run-deadline.test.ts.)
 */
const state = { STREAMCHAOS_STATE: join(inject('testRoot'), 'rebuild-state') };

const readResult = (out: string): RunResult => JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;

/** What must be equal between the live result and the rebuilt one. */
function verdictOf(r: RunResult) {
  return {
    verdict: r.verdict,
    unfinished: r.unfinished,
    checks: r.checks.map((c) => ({ name: c.name, pass: c.pass, unknown: c.unknown, message: c.message, observed: c.observed, threshold: c.threshold })),
    exactlyOnce: r.exactlyOnce,
    faults: r.faults,
  };
}

/** Runs `report` on the folder and returns the result it rebuilt (result.json is written again). */
async function rebuild(out: string): Promise<{ code: number | null; stdout: string; result: RunResult }> {
  const r = await cli(['report', out], state);
  return { code: r.code, stdout: r.stdout, result: readResult(out) };
}

describe('streamchaos report rebuilds the verdict of a real run', () => {
  it('a clean run: the rebuilt verdict, checks, exactly-once figures and faults equal the live ones', async () => {
    const out = join(inject('testRoot'), 'rebuild-clean');
    const live = await cli(['run', 'test/fixtures/experiments-real/short-latency.yaml', '--out', out], state, 300_000);
    expect(live.code, live.stderr).toBe(0);
    const liveResult = readResult(out);
    expect(liveResult.verdict).toBe('pass');
    expect(liveResult.exactlyOnce.acked).toBeGreaterThan(500);
    const again = await rebuild(out);
    expect(again.code).toBe(0);
    expect(verdictOf(again.result)).toEqual(verdictOf(liveResult));
    expect(again.stdout).toContain('PASS short-latency');
    expect(processesUnder(out)).toEqual([]);
  }, 320_000);

  it('a fault that failed to inject: listed as failed live and when rebuilt, with what Kafka said', async () => {
    const out = join(inject('testRoot'), 'rebuild-inject-failed');
    const live = await cli(['run', 'test/fixtures/experiments-real/fault-fails-to-inject.yaml', '--out', out], state, 300_000);
    const liveResult = readResult(out);
    expect(live.code, live.stderr).toBe(1);
    expect(liveResult.verdict).toBe('fail');
    const faults = liveResult.checks.find((c) => c.name === 'faults injected and healed');
    expect(faults).toMatchObject({ pass: false, observed: 1, threshold: 2 });
    expect(faults?.message).toMatch(/^slow the leader of solo-0: .*solo-0 has no leader to target/);
    expect(faults?.unknown).toBeUndefined();
    expect(liveResult.faults[1]).toMatchObject({ name: 'slow the leader of solo-0', error: expect.stringContaining('no leader') });
    expect(liveResult.faults[1]?.injectedAt).toBeUndefined();
    // the rest of the run was judged as usual: the orders topic held exactly once
    expect(liveResult.checks.find((c) => c.name === 'exactly-once')).toMatchObject({ pass: true });
    const again = await rebuild(out);
    expect(again.code).toBe(1);
    expect(verdictOf(again.result)).toEqual(verdictOf(liveResult));
    expect(processesUnder(out)).toEqual([]);
  }, 320_000);

  it('a run killed outright (SIGKILL) under load is rebuilt as unknown: nothing counted lost, no heal claimed, the phases that never ran named', async () => {
    const out = join(inject('testRoot'), 'rebuild-sigkill');
    const child = spawn(process.execPath, [BIN, 'run', 'test/fixtures/experiments-real/short-latency.yaml', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...state },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // killed while the latency fault is active (injected at 3 s, healed at 9 s of load)
    await waitFor(async () => existsSync(join(out, 'history.jsonl')) && readFileSync(join(out, 'history.jsonl'), 'utf8').includes('"fault-start"'), {
      what: 'the fault to be injected',
      timeoutMs: 180_000,
      intervalMs: 100,
    });
    child.kill('SIGKILL');
    await exited;
    // the watchdog removes what the harness left (brokers, Toxiproxy)
    await waitFor(async () => processesUnder(out).length === 0, { what: 'the watchdog to stop what the run left', timeoutMs: 60_000, intervalMs: 250 });
    expect(existsSync(join(out, 'result.json'))).toBe(false);

    const { code, stdout, result } = await rebuild(out);
    expect(code).toBe(1);
    expect(stdout).toContain('UNKNOWN short-latency');
    expect(result.verdict).toBe('unknown');
    expect(result.unfinished?.reason).toMatch(/^the history ends while running load for 12s with 1 fault: the harness stopped before the run finished/);
    expect(result.unfinished?.phasesNotRun).toEqual(['rollback', 'drain', 'steady-state-after', 'verify', 'judge']);
    const history = await readHistory(join(out, 'history.jsonl'));
    const acked = result.exactlyOnce.acked;
    expect(acked).toBeGreaterThan(0);
    expect(history.some((e) => e.type === 'read-done')).toBe(false);
    // nothing was read back: nothing is counted lost, and the check says it could not judge
    expect(result.exactlyOnce.lost).toBe(0);
    const eo = result.checks.find((c) => c.name === 'exactly-once');
    expect(eo).toMatchObject({ pass: false, unknown: true, observed: 0 });
    expect(eo?.message).toContain(`${acked} acked: loss not judged`);
    // the latency fault was never healed: no check says it was, and nothing is timed from a heal
    const faults = result.checks.find((c) => c.name === 'faults injected and healed');
    expect(faults).toMatchObject({ pass: false, unknown: true });
    expect(faults?.message).toContain('never healed');
    expect(result.faults[0]?.healedAt).toBeUndefined();
    for (const c of result.checks) {
      expect(c.pass, c.name).toBe(false);
      expect(c.message, c.name).not.toMatch(/after the heal/);
    }
  }, 320_000);
});
