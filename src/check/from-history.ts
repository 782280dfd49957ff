import type { EventEntry, HistoryEntry, RunEntry, SendComplete, SendInvoke } from '../history/types.js';
import { checkExactlyOnce } from './exactly-once/checker.js';
import { faultEffects } from './fault-effects.js';
import { checkAckedBelowMinIsr, checkNoUncleanElection, checkSingleController, measureOffline } from './invariants.js';
import type { Measurements } from './measurements.js';
import type { Check, RunResult } from './result.js';
import { measuredFigures, verdictChecks, verdictOf } from './verdict.js';

/**
 * The verdict of a run rebuilt from its History alone, for `streamchaos report` on a run that
 * has no result.json (it was interrupted or crashed). Every check the History supports is
 * made; what was never recorded (e.g. the verifier's read) makes its check fail, never pass.
 */
export function resultFromHistory(history: readonly HistoryEntry[], m: Measurements): RunResult {
  const run = history.find((e): e is RunEntry => e.type === 'run');
  if (run === undefined) throw new Error('the history has no run entry (its first line)');
  const plan = run.plan;
  const slos = plan.slos;
  const events = history.filter((e): e is EventEntry => e.type === 'event');
  const checks: Check[] = events
    .filter((e) => e.kind === 'probe')
    .map((e) => ({
      name: e.name.replace(/^steady-state /, 'steady state '),
      category: 'steady-state',
      pass: e.detail?.pass === true,
      message: String(e.detail?.message ?? ''),
    }));
  const errors = events.filter((e) => e.kind === 'fault-error');
  checks.push({
    name: 'faults injected and healed',
    category: 'faults',
    pass: errors.length === 0,
    message: errors.length === 0 ? `${m.faults.length} injected` : errors.map((e) => `${e.name}: ${String(e.detail?.error)}`).join('; '),
  });
  const output = plan.processor?.output ?? plan.producers[0]?.topic ?? '';
  const input = plan.processor?.input ?? output;
  const eo = checkExactlyOnce(history, { inputTopic: input, outputTopic: output, orderedPerKey: slos.orderedPerKey });
  checks.push(
    ...verdictChecks(slos, eo, [checkNoUncleanElection(history), checkSingleController(history), checkAckedBelowMinIsr(history), measureOffline(history)], m),
  );
  const effects = new Map(faultEffects(history).map((e) => [e.index, e]));
  const producers = new Map<string, { name: string; sent: number; acked: number; failed: number; indeterminate: number }>();
  const sizes = new Map<string, number>();
  for (const e of history) {
    if (e.type !== 'send') continue;
    const p = producers.get(e.process) ?? producers.set(e.process, { name: e.process, sent: 0, acked: 0, failed: 0, indeterminate: 0 }).get(e.process)!;
    if (e.phase === 'invoke') {
      const invoke: SendInvoke = e;
      sizes.set(`${e.process}:${e.batch}`, invoke.records.length);
      p.sent += invoke.records.length;
    } else {
      const c: SendComplete = e;
      const n = sizes.get(`${c.process}:${c.batch}`) ?? 0;
      p[c.phase === 'ok' ? 'acked' : c.phase === 'fail' ? 'failed' : 'indeterminate'] += n;
    }
  }
  return {
    name: run.name,
    verdict: verdictOf(checks),
    seed: run.seed,
    startedAt: new Date(m.loadStart ?? run.time).toISOString(),
    command: run.command,
    checks,
    exactlyOnce: eo,
    faults: m.faults.map((f) => {
      const effect = effects.get(f.index);
      return {
        index: f.index,
        name: f.name,
        kind: f.kind ?? '',
        ...(f.target === undefined ? {} : { target: f.target }),
        injectedAt: f.injectedAt,
        ...(f.healedAt === undefined ? {} : { healedAt: f.healedAt }),
        ...(effect === undefined ? {} : { effect }),
        recovery: f,
      };
    }),
    producers: [...producers.values()],
    ...measuredFigures(m),
    plan,
  };
}
