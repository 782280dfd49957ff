import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readHistory } from '../../src/history/recorder.js';
import type { EventEntry, SampleEntry } from '../../src/history/types.js';
import type { RunResult } from '../../src/check/result.js';
import { CHROMIUM, hasChromium, openInChromium } from '../helpers/browser.js';
import { cli, ROOT } from '../helpers/cli.js';
import { processesUnder } from '../integration/global-setup.js';

const state = { STREAMCHAOS_STATE: join(inject('testRoot'), 'run-state') };
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
/** The folder of the leader-kill run, which later tests render again. */
let leaderKillOut = '';

async function runExperiment(file: string, name: string): Promise<{ code: number | null; stdout: string; stderr: string; out: string; result: RunResult }> {
  const out = join(inject('testRoot'), `run-${name}`);
  const r = await cli(['run', file, '--out', out], state, 600_000);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  expect(processesUnder(out)).toEqual([]);
  return { ...r, out, result };
}

/** The checks that did not pass, as the failure message of an exit-code assertion: a red CI says which SLO missed and by how much. */
function failedChecks(result: RunResult): string {
  const failed = result.checks.filter((c) => c.pass !== true);
  return `verdict ${result.verdict}: ${failed.map((c) => `${c.name}: ${c.message} (observed ${String(c.observed)}, threshold ${String(c.threshold)})`).join('; ') || 'every check passed'}`;
}

describe('streamchaos run, end to end on real Kafka and Toxiproxy', () => {
  it('leader-kill: passes, and the History shows the fault and its effect (a new leader, the ISR shrunk and restored)', async () => {
    const { code, stdout, out, result } = await runExperiment('experiments/leader-kill.yaml', 'leader-kill');
    expect(stdout, failedChecks(result)).toContain('PASS leader-kill');
    expect(code).toBe(0);
    expect(result.verdict).toBe('pass');
    expect(result.exactlyOnce.acked).toBeGreaterThan(5000);
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0, corrupted: 0, reordered: 0 });

    const history = await readHistory(join(out, 'history.jsonl'));
    const events = history.filter((e): e is EventEntry => e.type === 'event');
    const start = events.find((e) => e.kind === 'fault-start');
    const heal = events.find((e) => e.kind === 'fault-heal');
    expect(start?.target).toMatch(/^broker-\d$/);
    expect(heal).toBeDefined();
    const killed = Number(start!.target!.slice('broker-'.length));
    const samples = history.filter((e): e is SampleEntry => e.type === 'sample');
    const orders0 = (s: SampleEntry) => s.partitions.find((p) => p.topic === 'orders' && p.partition === 0);
    const during = samples.filter((s) => s.time > start!.time + 12_000 && s.time < heal!.time);
    const after = samples.filter((s) => s.time > heal!.time);
    expect(orders0(samples[0]!)?.leader).toBe(killed);
    expect(during.some((s) => orders0(s)!.leader !== killed && !orders0(s)!.isr.includes(killed))).toBe(true); // new leader, ISR shrunk
    expect(after.some((s) => orders0(s)!.isr.length === 3)).toBe(true); // ISR restored
    leaderKillOut = out;
    // the plan the run followed is the one `plan` prints (the docker runtime's test checks the same)
    const plan = await cli(['plan', 'experiments/leader-kill.yaml', '--json'], state);
    expect(history[0]?.type === 'run' ? history[0].plan : undefined).toEqual(JSON.parse(plan.stdout));

    // recovery, lag and latency SLOs were measured and held
    for (const name of ['recovery: crash the leader of orders-0', 'max lag', 'lag recovered: crash the leader of orders-0', 'p99 latency']) {
      expect(
        result.checks.find((c) => c.name === name),
        name,
      ).toMatchObject({ pass: true });
    }
    const recovery = result.faults[0]!.recovery!;
    expect(recovery.recoverySeconds).toBeDefined(); // measured (how much a kill hurts depends on the ISRs at that moment)
    expect(recovery.isrFullAfterHealSeconds).toBeDefined();
    expect(result.latency.overall?.count).toBeGreaterThan(5000);

    // a CI log gets a plain summary: no colour codes, the report's path
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).toContain(`report: `);

    // the report, as a person opens it
    expect(hasChromium(), `the report tests need Chromium at ${CHROMIUM} (scripts/install.sh installs it)`).toBe(true);
    const view = await openInChromium(join(out, 'report.html'), join(SCREENSHOTS, 'leader-kill.png'));
    expect(view.verdict).toBe('pass');
    expect(view.verdictText).toContain('PASS');
    expect(view.checkRows).toBe(result.checks.length);
    expect(view.charts).toBe(4);
    expect(view.requests).toEqual([]);
    expect(view.errors).toEqual([]);
  });

  it('an SLO no cluster can meet (recovery within 10 ms of a leader kill) fails the run: exit 1, and junit.xml has the failure', async () => {
    const { code, stdout, out, result } = await runExperiment('test/fixtures/experiments-real/leader-kill-impossible-slo.yaml', 'impossible-slo');
    expect(code, JSON.stringify(result.faults[0]?.recovery)).toBe(1);
    expect(result.verdict).toBe('fail');
    const failed = result.checks.filter((c) => !c.pass);
    expect(failed.map((c) => c.name)).toEqual(['recovery: crash the leader of orders-5']);
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0 }); // only the SLO failed
    // a busy machine may not even recover before the load stops: then it is observed 'never'
    expect(stdout).toMatch(/✗ recovery: crash the leader of orders-5: .*\[observed ([\d.]+|never), threshold 0\.01\]/);

    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite [^>]*tests="\d+"[^>]*failures="1"/);
    const testcase = /<testcase [^>]*name="recovery: crash the leader of orders-5"[^>]*>([\s\S]*?)<\/testcase>/.exec(junit);
    expect(testcase?.[1]).toMatch(/<failure message="observed ([\d.]+|never), threshold 0\.01"/);
    expect((junit.match(/<testcase /g) ?? []).length).toBe(result.checks.length);

    const view = await openInChromium(join(out, 'report.html'), join(SCREENSHOTS, 'leader-kill-impossible-slo.png'));
    expect(view.verdict).toBe('fail');
    expect(view.verdictText).toContain('FAIL');
  });

  it('report judges a run again from its history, as the live run did; a run cut short is unknown, and says what it never did', async () => {
    expect(leaderKillOut).not.toBe('');
    const live = JSON.parse(readFileSync(join(leaderKillOut, 'result.json'), 'utf8')) as RunResult;
    rmSync(join(leaderKillOut, 'report.html'));
    const again = await cli(['report', leaderKillOut], state);
    expect(again.code).toBe(0);
    expect(existsSync(join(leaderKillOut, 'report.html'))).toBe(true);
    expect(again.stdout).toContain('PASS leader-kill');
    expect(JSON.parse(readFileSync(join(leaderKillOut, 'result.json'), 'utf8'))).toEqual(live);

    // the same run as if interrupted right after load stopped: no verification, no result.json
    const cut = join(inject('testRoot'), 'run-interrupted');
    mkdirSync(cut, { recursive: true });
    const lines = readFileSync(join(leaderKillOut, 'history.jsonl'), 'utf8').split('\n');
    const stop = lines.findIndex((l) => l.includes('"kind":"load"') && l.includes('"name":"stop"'));
    writeFileSync(join(cut, 'history.jsonl'), `${lines.slice(0, stop + 1).join('\n')}\n`);
    const partial = await cli(['report', cut], state);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('UNKNOWN leader-kill');
    expect(partial.stdout).toContain('the run did not finish: the history ends while running load for 1m15s with 1 fault');
    expect(partial.stdout).toMatch(/\? exactly-once: cannot rule out loss/);
    expect(partial.stdout).toContain('loss not judged');
    expect(existsSync(join(cut, 'report.html'))).toBe(true);
    const view = await openInChromium(join(cut, 'report.html'), join(SCREENSHOTS, 'interrupted-run.png'));
    expect(view.verdict).toBe('unknown');
    expect(view.charts).toBe(4);

    const missing = await cli(['report', join(inject('testRoot'), 'no-such-run')], state);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/history\.jsonl does not exist/);
  });

  it('the at-least-once processor killed mid-stream is caught duplicating (exit 1)', async () => {
    const { code, stdout, result } = await runExperiment('test/fixtures/experiments-real/at-least-once-control.yaml', 'alo');
    expect(code).toBe(1);
    expect(result.verdict).toBe('fail');
    expect(result.exactlyOnce.duplicated).toBeGreaterThan(0);
    expect(result.exactlyOnce.lost).toBe(0);
    expect(result.checks.find((c) => c.name === 'exactly-once')?.pass).toBe(false);
    expect(stdout).toMatch(/duplicated: producer-1:\d+/);
  });

  it('the same experiment with the transactional processor passes', async () => {
    const { code, result } = await runExperiment('experiments/processor-crash.yaml', 'processor-crash');
    expect(result.faults[0]).toMatchObject({ kind: 'processor-kill', target: 'processor-1' });
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0 });
    expect(code, failedChecks(result)).toBe(0);
  });

  it('zombie-processor: an instance frozen past its session timeout and resumed after the rebalance is fenced (nothing written twice)', async () => {
    const { code, result, out } = await runExperiment('experiments/zombie-processor.yaml', 'zombie-processor');
    expect(result.faults[0]).toMatchObject({ kind: 'processor-pause', target: 'processor-1' });
    expect(result.exactlyOnce.acked).toBeGreaterThan(5000);
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0 });
    // the scenario happened: the other instance took the frozen one's partitions over while it slept
    const survivor = readFileSync(join(out, 'environment', 'processor-2.log'), 'utf8');
    expect(survivor).toMatch(/took over orders-\d+ at offset [1-9]/);
    expect(code, failedChecks(result)).toBe(0);
  });

  it('plan prints the same timeline and targets for the same file and seed, and another seed may draw another target', async () => {
    const a = await cli(['plan', 'experiments/kitchen-sink.yaml'], state);
    const b = await cli(['plan', 'experiments/kitchen-sink.yaml'], state);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/a random broker \(this seed: broker-\d\)/);
    const seeds = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => cli(['plan', 'experiments/kitchen-sink.yaml', '--seed', String(seed)], state)));
    expect(new Set(seeds.map((s) => /this seed: (broker-\d)/.exec(s.stdout)?.[1])).size).toBeGreaterThan(1);
  });

  it('refuses a bad experiment with file:line and field, exit 2', async () => {
    const r = await cli(['run', 'test/fixtures/experiments-real/at-least-once-control.yaml', '--seed', 'x'], state);
    expect(r.code).toBe(2);
    const failOn = await cli(['run', 'experiments/leader-kill.yaml', '--fail-on', 'exactly-once,latncy'], state);
    expect(failOn.code).toBe(2);
    expect(failOn.stderr).toMatch(/--fail-on: 'latncy' is not a kind of check.*latency/);
    const bad = await cli(['plan', 'test/fixtures/experiments/window-overshoots.yaml'], state);
    expect(bad.stderr).toMatch(/window-overshoots\.yaml:\d+:\d+: timeline\[0\]/);
    expect(bad.code).toBe(2);
  });
});
