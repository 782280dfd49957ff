import { describe, expect, it } from 'vitest';
import { HISTORY_CHECK, judge } from '../../src/check/judge.js';
import { runProgress } from '../../src/check/run-progress.js';
import type { Plan } from '../../src/history/plan.js';
import { DEFAULT_RECOVERY } from '../../src/history/slos.js';
import {
  type DamagedLine,
  type EventEntry,
  type HistoryEntry,
  INTERRUPTED_NOTE,
  LEFT_TO_TEARDOWN_NOTE,
  PHASES,
  type PhaseId,
} from '../../src/history/types.js';
import { testPlan } from '../helpers/plan.js';

const T0 = 1_000_000;

const plan: Plan = testPlan({
  durationMs: 20_000,
  timeline: [{ index: 0, name: 'kill the leader', kind: 'broker-kill', atMs: 5_000, healAtMs: 10_000, target: 'leader of orders-0' }],
  slos: { exactlyOnce: true, orderedPerKey: true, recovery: DEFAULT_RECOVERY, maxRecoverySeconds: 30, maxLag: 100, lagRecoveredWithinSeconds: 10 },
});

const phase = (p: PhaseId, at: number): EventEntry => ({ type: 'event', kind: 'phase', time: T0 + at, name: p, detail: { phase: p } });

/**
 * A run of 20 s at 50 records/s on orders, a broker killed at 5 s; `upTo` the phases it
 * reached, `healed` whether the kill was healed, `read` whether the verifier read the output
 * to its end (`dropRead` ids missing from it, `twice` ids in it twice).
 */
function run(o: { upTo: PhaseId; healed?: boolean; read?: boolean; dropRead?: string[]; twice?: string[]; extra?: HistoryEntry[] }): HistoryEntry[] {
  const h: HistoryEntry[] = [{ type: 'run', time: T0 - 1000, name: 'test', seed: 1, plan, command: 'streamchaos run t.yaml', version: '0' }];
  const reached = PHASES.slice(0, PHASES.indexOf(o.upTo) + 1);
  if (reached.includes('bring-up')) h.push(phase('bring-up', -900));
  if (reached.includes('steady-state-before')) {
    h.push(phase('steady-state-before', -500));
    h.push({ type: 'event', kind: 'probe', time: T0 - 400, name: 'steady-state before: cluster-healthy', detail: { pass: true, message: 'healthy' } });
  }
  if (!reached.includes('method')) return [...h, ...(o.extra ?? [])];
  h.push(phase('method', -100), { type: 'event', kind: 'load', time: T0, name: 'start' });
  const out: { offset: number; id: string; key: string; crc: number }[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = T0 + i * 20;
    const id = `p:${i}`;
    h.push({ type: 'send', phase: 'invoke', time: t, process: 'p', batch: i, topic: 'orders', partition: 0, records: [{ id, key: `k${i % 5}`, crc: 7 }] });
    h.push({ type: 'send', phase: 'ok', time: t + 5, process: 'p', batch: i });
    if (!(o.dropRead ?? []).includes(id)) out.push({ offset: out.length, id, key: `k${i % 5}`, crc: 7 });
    if ((o.twice ?? []).includes(id)) out.push({ offset: out.length, id, key: `k${i % 5}`, crc: 7 });
  }
  h.push({ type: 'event', kind: 'fault-start', time: T0 + 5000, name: 'kill the leader', target: 'broker-2', detail: { kind: 'broker-kill', index: 0 } });
  if (o.healed !== false)
    h.push({
      type: 'event',
      kind: 'fault-heal',
      time: T0 + 10_000,
      name: 'kill the leader',
      target: 'broker-2',
      detail: { kind: 'broker-kill', index: 0, begunAt: T0 + 9000 },
    });
  for (let t = 0; t < 20_000; t += 1000) h.push({ type: 'lag', time: T0 + t, group: 'g', topic: 'orders', partitions: { '0': 3 }, total: 3 });
  if (reached.includes('rollback')) h.push({ type: 'event', kind: 'load', time: T0 + 20_000, name: 'stop' }, phase('rollback', 20_001));
  for (const p of ['drain', 'steady-state-after', 'verify'] as const) if (reached.includes(p)) h.push(phase(p, 20_100 + PHASES.indexOf(p)));
  if (reached.includes('steady-state-after')) {
    h.push({ type: 'event', kind: 'probe', time: T0 + 20_200, name: 'steady-state after: cluster-healthy', detail: { pass: true, message: 'healthy' } });
  }
  if (reached.includes('verify') && o.read !== false) {
    h.push({ type: 'read', time: T0 + 20_300, topic: 'orders', partition: 0, records: out });
    h.push({ type: 'read-done', time: T0 + 20_301, topic: 'orders', endOffsets: { '0': out.length }, complete: true });
  }
  if (reached.includes('judge')) h.push(phase('judge', 20_400));
  return [...h, ...(o.extra ?? [])];
}

const check = (h: HistoryEntry[], name: string) => judge(h).result.checks.find((c) => c.name === name);

describe('judge: one verdict from the History', () => {
  it('a finished clean run passes every check', () => {
    const { result } = judge(run({ upTo: 'judge' }));
    expect(result.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.unfinished).toBeUndefined();
    expect(result.faults[0]).toMatchObject({ target: 'broker-2', injectedAt: T0 + 5000, healedAt: T0 + 10_000 });
    expect(result.producers).toEqual([{ name: 'p', sent: 1000, acked: 1000, failed: 0, indeterminate: 0 }]);
  });

  it('a finished run with a record lost or duplicated fails, naming the count', () => {
    expect(judge(run({ upTo: 'judge', dropRead: ['p:7', 'p:8'] })).result.verdict).toBe('fail');
    expect(check(run({ upTo: 'judge', dropRead: ['p:7', 'p:8'] }), 'exactly-once')).toMatchObject({ pass: false, observed: 2 });
    expect(check(run({ upTo: 'judge', twice: ['p:9'] }), 'exactly-once')?.message).toContain('1 duplicated');
  });

  it('a run killed outright under load (its History just ends) is unknown: nothing counted lost, no heal claimed, the phases that never ran named', () => {
    const h = run({ upTo: 'method', healed: false });
    const { result } = judge(h);
    expect(result.verdict).toBe('unknown');
    expect(result.unfinished?.reason).toMatch(/the history ends while method: the harness stopped before the run finished/);
    expect(result.unfinished?.phasesNotRun).toEqual(['rollback', 'drain', 'steady-state-after', 'verify', 'judge']);
    expect(result.unfinished?.reason).toContain('never ran: rollback, drain, steady state after, verify, judge');
    const eo = check(h, 'exactly-once')!;
    expect(eo).toMatchObject({ pass: false, unknown: true, observed: 0 });
    expect(eo.message).toContain('1000 acked: loss not judged');
    expect(result.exactlyOnce.lost).toBe(0);
    expect(check(h, 'faults injected and healed')).toMatchObject({
      pass: false,
      unknown: true,
      message: 'kill the leader: never healed (no heal was recorded)',
    });
    expect(check(h, 'order per key')).toMatchObject({ pass: false, unknown: true });
    for (const c of result.checks) {
      expect(c.pass, c.name).toBe(false);
      expect(c.message, c.name).not.toMatch(/after the heal/);
    }
    expect(check(h, 'recovery: kill the leader')?.message).toBe('never healed: recovery cannot be judged');
    expect(check(h, 'lag recovered: kill the leader')?.message).toBe('never healed: lag recovery cannot be judged');
  });

  it('a fault the teardown stopped is named as such, never as healed', () => {
    const left: EventEntry = {
      type: 'event',
      kind: 'note',
      time: T0 + 9000,
      name: LEFT_TO_TEARDOWN_NOTE,
      target: 'broker-2',
      detail: { fault: 'kill the leader', index: 0 },
    };
    const { result } = judge(run({ upTo: 'method', healed: false, extra: [left] }));
    expect(result.faults[0]?.notHealed).toBe('the run ended first; the teardown stopped its node');
    expect(result.faults[0]?.healedAt).toBeUndefined();
  });

  it('an unfinished run that saw a violation anyway fails: a duplicate read is a duplicate', () => {
    const h = run({ upTo: 'verify', twice: ['p:3'] });
    h.push({ type: 'event', kind: 'note', time: T0 + 20_500, name: 'deadline passed while verifying orders', detail: { deadlineMs: 1 } });
    const { result } = judge(h);
    expect(result.unfinished?.reason).toContain("the run's deadline passed while verifying orders");
    expect(result.verdict).toBe('fail');
    expect(check(h, 'exactly-once')).toMatchObject({ pass: false, observed: 1 });
  });

  it('a run that reached its judgement but was interrupted or cut by its deadline is still unfinished', () => {
    const interrupted = run({
      upTo: 'judge',
      extra: [{ type: 'event', kind: 'note', time: T0 + 20_500, name: INTERRUPTED_NOTE, detail: { signal: 'SIGINT' } }],
    });
    expect(runProgress(interrupted)).toMatchObject({ finished: false, reason: 'the run was interrupted by SIGINT while judge' });
    expect(judge(interrupted).result.verdict).toBe('unknown');
  });

  it('a fault that failed to inject fails the faults check, in a finished run and in an unfinished one', () => {
    const error: EventEntry = {
      type: 'event',
      kind: 'fault-error',
      time: T0 + 5000,
      name: 'kill the leader',
      detail: { kind: 'broker-kill', index: 0, error: 'no leader of orders-0' },
    };
    const h = run({ upTo: 'judge', extra: [error] }).filter((e) => !(e.type === 'event' && (e.kind === 'fault-start' || e.kind === 'fault-heal')));
    expect(check(h, 'faults injected and healed')).toMatchObject({ pass: false, message: 'kill the leader: no leader of orders-0', observed: 0, threshold: 1 });
    expect(check(h, 'faults injected and healed')?.unknown).toBeUndefined();
    expect(judge(h).result.faults[0]).toMatchObject({ error: 'no leader of orders-0' });
    expect(judge(h).result.verdict).toBe('fail');
  });

  it('nothing acknowledged is unknown, never a pass', () => {
    const h = run({ upTo: 'judge' }).filter((e) => !(e.type === 'send' && e.phase === 'ok'));
    const { result } = judge(h);
    expect(result.verdict).not.toBe('pass');
    expect(result.exactlyOnce.acked).toBe(0);
  });

  it('the verdict of a History is the same after it is written and read back (JSON lines)', () => {
    for (const h of [run({ upTo: 'judge' }), run({ upTo: 'method', healed: false }), run({ upTo: 'judge', dropRead: ['p:1'] })]) {
      const back = h.map((e) => JSON.parse(JSON.stringify(e)) as HistoryEntry);
      expect(judge(back).result).toEqual(judge(h).result);
    }
  });

  it('--fail-on recorded with the run is what report applies, unless told otherwise', () => {
    const h = run({ upTo: 'judge', dropRead: ['p:5'] });
    const recorded = h.map((e) => (e.type === 'run' ? { ...e, failOn: ['latency'] } : e));
    expect(judge(recorded).result.verdict).toBe('pass');
    expect(judge(recorded, { failOn: ['exactly-once'] }).result.verdict).toBe('fail');
  });
});

describe('judge: a damaged History (lines the reader skipped) is never a pass', () => {
  const damage = (line: number, problem = 'null, not a history entry; skipped', torn = false): DamagedLine => ({
    type: 'damaged',
    time: T0,
    file: 'history.jsonl',
    line,
    problem,
    ...(torn ? { torn: true } : {}),
  });

  it('a finished clean run with one damaged line is unknown: every check that held becomes unknown, and the damage is named first', () => {
    const h = [...run({ upTo: 'judge' }), damage(1234, 'a send line without records; skipped')];
    const { result } = judge(h);
    expect(result.verdict).toBe('unknown');
    expect(result.checks[0]).toMatchObject({
      name: HISTORY_CHECK,
      pass: false,
      unknown: true,
      observed: 1,
      message: '1 damaged line: history.jsonl:1234: a send line without records; skipped; the verdict cannot rest on a damaged history',
    });
    expect(result.checks.filter((c) => c.pass)).toEqual([]);
    expect(check(h, 'exactly-once')?.message).toMatch(/^held in the lines that could be read, but 1 damaged line was skipped: 1000 acked/);
    expect(result.unfinished).toBeUndefined();
  });

  it('no --fail-on makes a damaged History pass: the damage check has no category and always blocks', () => {
    const h = [...run({ upTo: 'judge' }), damage(7)];
    expect(judge(h, { failOn: ['order'] }).result.verdict).toBe('unknown');
    expect(judge(h, { failOn: ['latency'] }).result.checks[0]?.blocking).toBeUndefined();
  });

  it('a loss seen in a damaged History is not claimed (the read line may be the one skipped): unknown', () => {
    const h = [...run({ upTo: 'judge', dropRead: ['p:7'] }), damage(9)];
    expect(check(h, 'exactly-once')).toMatchObject({ pass: false, unknown: true });
    expect(check(h, 'exactly-once')?.message).toMatch(/^not judged, 1 damaged line was skipped and this may rest on them \(so far: .*1 lost/);
    expect(judge(h).result.verdict).toBe('unknown');
  });

  it('a duplicate seen in a damaged History stands: missing lines cannot make a record appear twice', () => {
    const h = [...run({ upTo: 'judge', twice: ['p:7'] }), damage(9), damage(10)];
    const eo = check(h, 'exactly-once');
    expect(eo).toMatchObject({ pass: false, observed: 1 });
    expect(eo?.unknown).toBeUndefined();
    expect(eo?.message).toContain('1 duplicated');
    expect(eo?.message).toContain('(2 damaged lines were skipped: a loss or unexpected record may be one of theirs)');
    expect(judge(h).result.verdict).toBe('fail');
  });

  it('a failed steady-state probe stands; a fault never healed (its heal line may be the damaged one) is unknown', () => {
    const h = run({ upTo: 'judge', healed: false }).map((e) =>
      e.type === 'event' && e.kind === 'probe' && e.name.includes('after') ? { ...e, detail: { pass: false, message: 'broker-2 is down' } } : e,
    );
    h.push(damage(3));
    expect(check(h, 'steady state after: cluster-healthy')).toMatchObject({ pass: false, message: 'broker-2 is down' });
    expect(check(h, 'steady state after: cluster-healthy')?.unknown).toBeUndefined();
    expect(check(h, 'faults injected and healed')).toMatchObject({ pass: false, unknown: true });
  });

  it('the torn last line of a run that did not finish is where its History ends: named in why it did not finish, no damage check', () => {
    const h = [
      ...run({ upTo: 'method', healed: false }),
      damage(2001, 'the last line is cut short, as a run stopped while writing it leaves it; ignored', true),
    ];
    const { result } = judge(h);
    expect(result.verdict).toBe('unknown');
    expect(result.checks.find((c) => c.name === HISTORY_CHECK)).toBeUndefined();
    expect(result.unfinished?.reason).toMatch(/never ran: .*; history\.jsonl:2001: the last line is cut short/);
  });

  it('a torn last line after the judgement is damage like any other', () => {
    const h = [...run({ upTo: 'judge' }), damage(2001, 'the last line is cut short, as a run stopped while writing it leaves it; ignored', true)];
    expect(judge(h).result.checks[0]?.name).toBe(HISTORY_CHECK);
    expect(judge(h).result.verdict).toBe('unknown');
  });

  it('names three damaged lines and counts the rest, including those counted in one entry', () => {
    const h = [
      ...run({ upTo: 'judge' }),
      damage(1),
      damage(2),
      damage(3),
      damage(4),
      { ...damage(5, '96 more damaged lines from here on, not named one by one'), count: 96 },
    ];
    expect(judge(h).result.checks[0]).toMatchObject({ observed: 100 });
    expect(judge(h).result.checks[0]?.message).toMatch(
      /^100 damaged lines: history\.jsonl:1: null.*; history\.jsonl:3: null, not a history entry; skipped; and 97 more;/,
    );
  });
});
