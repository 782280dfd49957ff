import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeadline } from '../../src/cli/commands/run.js';
import { DeadlineError, UsageError } from '../../src/errors.js';
import { BUDGET, defaultDeadlineMs } from '../../src/experiment/budget.js';
import { runExperiment } from '../../src/experiment/runner.js';
import type { HistoryEntry } from '../../src/history/types.js';
import { silentProgress } from '../../src/provision/progress.js';
import type { Runtime, StartedEnvironment } from '../../src/runtime/runtime.js';
import type { ExperimentSpec } from '../../src/schema/experiment.js';
import { loadExperiment } from '../../src/schema/load-experiment.js';
import { environmentBrokerIds } from '../../src/schema/environment.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

function history(dir: string): HistoryEntry[] {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as HistoryEntry);
}

async function run(runtime: Runtime, deadlineMs: number): Promise<{ error: unknown; dir: string; log: string[] }> {
  const spec = await loadExperiment('experiments/leader-kill.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'streamchaos-deadline-'));
  const log: string[] = [];
  const error = await runExperiment(spec, {
    outDir: dir,
    seed: 1,
    runtime,
    progress: silentProgress,
    command: 'test',
    version: '0',
    log: (l) => void log.push(l),
    deadlineMs,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, dir, log };
}

describe('a run past its deadline (no Kafka: the runtime hangs)', () => {
  it('abandons an environment that never comes up, notes the phase and writes what it can', async () => {
    const { error, dir } = await run({ name: 'fake', up: () => never() }, 300);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).message).toBe('the run passed its deadline of 300 ms while starting environment local-3');
    const note = history(dir).find((e) => e.type === 'event' && e.kind === 'note' && e.name.startsWith('deadline passed'));
    expect(note).toMatchObject({ name: 'deadline passed while starting environment local-3', detail: { deadlineMs: 300 } });
    for (const f of ['report.html', 'junit.xml', 'result.json']) expect(existsSync(join(dir, f))).toBe(true);
    // a run cut before verification is unknown, never a pass, and says which phases never ran
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ verdict: 'unknown', unfinished: { reason: expect.stringContaining('deadline passed while starting environment local-3') } });
    expect(result.unfinished.phasesNotRun).toEqual(['steady-state-before', 'method', 'rollback', 'drain', 'steady-state-after', 'verify', 'judge']);
    expect(result.checks.filter((c: { pass: boolean }) => c.pass)).toEqual([]);
  });

  it('tears the environment down when a step hangs after it came up', async () => {
    let downs = 0;
    const hung = { liveBrokers: () => never(), topicNames: () => never(), partitions: () => never(), view: () => never() };
    const env = {
      runtime: 'fake',
      images: {},
      observer: hung,
      topology: { brokers: [] },
      nodes: () => [],
      down: async () => void downs++,
    } as unknown as StartedEnvironment;
    const { error, dir, log } = await run({ name: 'fake', up: async () => env }, 500);
    expect((error as Error).message).toBe('the run passed its deadline of 500 ms while checking the steady state before');
    expect(downs).toBe(1);
    expect(log).toContain('cleanup: environment');
    const entries = history(dir);
    expect(entries.filter((e) => e.type === 'event' && e.kind === 'note').map((e) => (e as { name: string }).name)).toContain(
      'deadline passed while checking the steady state before',
    );
  });
});

describe('defaultDeadlineMs', () => {
  const base = async (): Promise<ExperimentSpec> => loadExperiment('experiments/leader-kill.yaml');

  it('adds startup, the load, draining, settling and verifying', async () => {
    const spec = await base();
    const consumers = spec.workload.consumers?.length ?? 0;
    const expected =
      BUDGET.startupMs +
      BUDGET.probeBeforeMs +
      consumers * BUDGET.consumersStartMs +
      spec.durationMs +
      // leader-kill's broker is healed in its window: the load may go on while it restarts
      BUDGET.healTailMs +
      spec.slos.recovery.holdSeconds * 1000 +
      BUDGET.stopAndHealMs +
      (consumers > 0 ? spec.workload.drainMs : 0) +
      BUDGET.settleMs +
      BUDGET.verifyMs +
      BUDGET.wrapUpMs;
    expect(defaultDeadlineMs(spec, 'process')).toBe(expected);
    // generous: well beyond what leader-kill takes (about 2 minutes), never more than a quarter of an hour
    expect(defaultDeadlineMs(spec, 'process')).toBeGreaterThan(8 * 60_000);
    expect(defaultDeadlineMs(spec, 'process')).toBeLessThan(15 * 60_000);
  });

  it('grows with the load, a processor, image pulls and rolling restarts', async () => {
    const spec = await base();
    const plain = defaultDeadlineMs(spec, 'process');
    expect(defaultDeadlineMs({ ...spec, durationMs: spec.durationMs + 60_000 }, 'process')).toBe(plain + 60_000);
    expect(defaultDeadlineMs(spec, 'docker')).toBe(plain + BUDGET.pullMs);
    const withProcessor = await loadExperiment('experiments/processor-crash.yaml');
    expect(defaultDeadlineMs(withProcessor, 'process')).toBeGreaterThanOrEqual(
      BUDGET.startupMs + BUDGET.processorStartMs + withProcessor.durationMs + withProcessor.workload.drainMs + BUDGET.settleMs + BUDGET.verifyMs,
    );
    const rolling = await loadExperiment('experiments/rolling-restart.yaml');
    const withoutRolling = { ...rolling, timeline: rolling.timeline.filter((f) => f.kind !== 'rolling-restart') };
    expect(defaultDeadlineMs(rolling, 'process') - defaultDeadlineMs(withoutRolling, 'process')).toBeGreaterThanOrEqual(
      environmentBrokerIds(rolling.environment).length * 120_000,
    );
  });
});

describe('--deadline', () => {
  it('reads a duration as experiment files write it, or seconds', () => {
    expect(parseDeadline(undefined)).toBeUndefined();
    expect(parseDeadline('40s')).toBe(40_000);
    expect(parseDeadline('6m30s')).toBe(390_000);
    expect(parseDeadline('1h')).toBe(3_600_000);
    expect(parseDeadline(' 900 ')).toBe(900_000);
  });

  it('refuses what is not a duration, or zero', () => {
    expect(() => parseDeadline('soon')).toThrow(UsageError);
    expect(() => parseDeadline('soon')).toThrow(/--deadline: 'soon' is not a duration/);
    expect(() => parseDeadline('0s')).toThrow('--deadline: must be longer than 0');
    expect(() => parseDeadline('-5s')).toThrow(UsageError);
  });
});
