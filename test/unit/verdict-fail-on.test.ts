import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkExactlyOnce } from '../../src/check/exactly-once/checker.js';
import { measure } from '../../src/check/measure.js';
import { parseFailOn } from '../../src/cli/commands/run.js';
import { planExperiment } from '../../src/experiment/resolve-plan.js';
import { buildResult } from '../../src/experiment/result.js';
import { renderJunit } from '../../src/report/junit.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';
import { UsageError } from '../../src/errors.js';
import type { HistoryEntry } from '../../src/history/types.js';

const file = fileURLToPath(new URL('../fixtures/experiments/minimal.yaml', import.meta.url));

/** A run whose only problem is a missed latency SLO (nothing was seen, so no latency was measured). */
async function resultWith(failOn?: Parameters<typeof buildResult>[0]['failOn']) {
  const spec = await parseExperiment(readFileSync(file, 'utf8'), file);
  spec.slos.p99LatencyMs = 100;
  const history: HistoryEntry[] = [
    { type: 'send', phase: 'invoke', time: 1, process: 'p', batch: 1, topic: 'orders', partition: 0, records: [{ id: 'p:0', key: 'k', crc: 7 }] },
    { type: 'send', phase: 'ok', time: 2, process: 'p', batch: 1 },
    { type: 'read', time: 3, topic: 'orders', partition: 0, records: [{ offset: 0, id: 'p:0', key: 'k', crc: 7 }] },
    { type: 'read-done', time: 4, topic: 'orders', endOffsets: { '0': 1 }, complete: true },
  ];
  return buildResult({
    spec,
    plan: planExperiment(spec),
    seed: 1,
    before: [],
    after: [],
    exactlyOnce: checkExactlyOnce(history, { inputTopic: 'orders', outputTopic: 'orders', orderedPerKey: false }),
    invariants: [],
    faults: [],
    effects: [],
    producers: [],
    startedAt: 0,
    command: 'streamchaos run minimal.yaml',
    measurements: measure(history),
    ...(failOn === undefined ? {} : { failOn }),
  });
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
