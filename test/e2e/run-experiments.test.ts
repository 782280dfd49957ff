import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readHistory } from '../../src/history/recorder.js';
import type { EventEntry, SampleEntry } from '../../src/history/types.js';
import type { RunResult } from '../../src/experiment/result.js';
import { cli } from '../helpers/cli.js';
import { processesUnder } from '../integration/global-setup.js';

const state = { STREAMCHAOS_STATE: join(inject('testRoot'), 'run-state') };

async function runExperiment(file: string, name: string): Promise<{ code: number | null; stdout: string; stderr: string; out: string; result: RunResult }> {
  const out = join(inject('testRoot'), `run-${name}`);
  const r = await cli(['run', file, '--out', out], state, 600_000);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  expect(processesUnder(out)).toEqual([]);
  return { ...r, out, result };
}

describe('streamchaos run, end to end on real Kafka and Toxiproxy', () => {
  it('leader-kill: passes, and the History shows the fault and its effect (a new leader, the ISR shrunk and restored)', async () => {
    const { code, stdout, out, result } = await runExperiment('experiments/leader-kill.yaml', 'leader-kill');
    expect(stdout).toContain('PASS leader-kill');
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
    expect(code).toBe(0);
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
    const bad = await cli(['plan', 'test/fixtures/experiments/window-overshoots.yaml'], state);
    expect(bad.stderr).toMatch(/window-overshoots\.yaml:\d+:\d+: timeline\[0\]/);
    expect(bad.code).toBe(2);
  });
});
