import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/check/judge.js';
import type { CheckCategory } from '../../src/check/result.js';
import { parseFailOn } from '../../src/cli/commands/run.js';
import { planExperiment } from '../../src/experiment/resolve-plan.js';
import { renderJunit } from '../../src/report/junit.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';
import { UsageError } from '../../src/errors.js';
import { PHASES, type HistoryEntry } from '../../src/history/types.js';

const file = fileURLToPath(new URL('../fixtures/experiments/minimal.yaml', import.meta.url));

/** A finished run whose only problem is a missed latency SLO (its one record was seen 999 ms after it was sent). */
async function resultWith(failOn?: CheckCategory[]) {
  const spec = await parseExperiment(readFileSync(file, 'utf8'), file);
  spec.slos.p99LatencyMs = 100;
  const plan = planExperiment(spec);
  const topic = plan.judged[0]!.output;
  const history: HistoryEntry[] = [
    { type: 'run', time: 0, name: plan.name, seed: 1, plan, command: 'streamchaos run minimal.yaml', version: '0' },
    ...PHASES.slice(0, 7).map((phase, i): HistoryEntry => ({ type: 'event', kind: 'phase', time: i / 10, name: phase, detail: { phase } })),
    { type: 'send', phase: 'invoke', time: 1, process: 'p', batch: 1, topic, partition: 0, records: [{ id: 'p:0', key: 'k', crc: 7 }] },
    { type: 'send', phase: 'ok', time: 2, process: 'p', batch: 1 },
    { type: 'seen', time: 1000, topic, partition: 0, ids: ['p:0'] },
    { type: 'read', time: 1003, topic, partition: 0, records: [{ offset: 0, id: 'p:0', key: 'k', crc: 7 }] },
    { type: 'read-done', time: 1004, topic, endOffsets: { '0': 1 }, complete: true },
    { type: 'event', kind: 'phase', time: 1005, name: 'judge', detail: { phase: 'judge' } },
  ];
  return judge(history, failOn === undefined ? {} : { failOn }).result;
}

describe('--fail-on: which checks block', () => {
  it('by default every failed check fails the run', async () => {
    const r = await resultWith();
    expect(r.checks.find((c) => c.name === 'p99 latency')).toMatchObject({ pass: false, category: 'latency' });
    expect(r.verdict).toBe('fail');
  });

  it('a gate blocking on exactly-once only passes a run that missed only a latency SLO, and reports it as a warning', async () => {
    const r = await resultWith(['exactly-once', 'order']);
    expect(r.checks.filter((c) => !c.pass).map((c) => `${c.name} ${c.category} ${c.blocking}`)).toEqual(['p99 latency latency false']);
    expect(r.verdict).toBe('pass');
    const latency = r.checks.find((c) => c.name === 'p99 latency')!;
    expect(latency).toMatchObject({ pass: false, blocking: false });
    const junit = renderJunit(r);
    expect(junit).not.toContain('<failure');
    expect(junit).toMatch(/warning/);
  });

  it('a gate blocking on latency fails it', async () => {
    expect((await resultWith(['latency'])).verdict).toBe('fail');
  });

  it('parses all, a list, and refuses an unknown kind with a suggestion', () => {
    expect(parseFailOn(undefined)).toBeUndefined();
    expect(parseFailOn('all')).toBeUndefined();
    expect(parseFailOn('exactly-once, recovery')).toEqual(['exactly-once', 'recovery']);
    expect(() => parseFailOn('exactly-once,recovry')).toThrow(UsageError);
    expect(() => parseFailOn('recovry')).toThrow(/did you mean 'recovery'/);
  });
});
