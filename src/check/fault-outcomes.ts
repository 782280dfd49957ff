import type { Plan } from '../history/plan.js';
import { type EventEntry, FAULT_DELAYED_NOTE, type HistoryEntry, LEFT_TO_TEARDOWN_NOTE } from '../history/types.js';
import type { Check, FaultOutcomeSummary } from './result.js';
import type { RunProgress } from './run-progress.js';

/** What became of each planned fault, from the History's fault events: injected, healed, failed, or never reached. */
export function faultOutcomes(history: readonly HistoryEntry[], plan: Plan): FaultOutcomeSummary[] {
  const events = history.filter((e): e is EventEntry => e.type === 'event');
  const of = (kind: EventEntry['kind'], index: number): EventEntry[] => events.filter((e) => e.kind === kind && Number(e.detail?.index) === index);
  return plan.timeline.map((planned) => {
    const start = of('fault-start', planned.index)[0];
    const heal = of('fault-heal', planned.index)[0];
    const error = of('fault-error', planned.index).at(-1);
    const left = events.some((e) => e.kind === 'note' && e.name === LEFT_TO_TEARDOWN_NOTE && Number(e.detail?.index) === planned.index);
    const instant = planned.healAtMs === undefined || typeof start?.detail?.completedAt === 'number';
    const late = events.find((e) => e.kind === 'note' && e.name === FAULT_DELAYED_NOTE && Number(e.detail?.index) === planned.index);
    return {
      index: planned.index,
      name: planned.name,
      kind: planned.kind,
      ...(start?.target === undefined ? {} : { target: start.target }),
      ...(start === undefined ? {} : { injectedAt: start.time }),
      ...(heal === undefined ? {} : { healedAt: heal.time }),
      ...(typeof late?.detail?.delayMs === 'number' ? { delayedMs: late.detail.delayMs } : {}),
      ...(error === undefined ? {} : { error: String(error.detail?.error ?? error.name) }),
      ...(start !== undefined && !instant && heal === undefined
        ? { notHealed: left ? 'the run ended first; the teardown stopped its node' : 'no heal was recorded' }
        : {}),
    };
  });
}

/**
 * Whether every planned fault was injected and healed. A fault that failed to inject or heal
 * fails the check. A fault the run never reached, or never healed, fails it in a finished run
 * (the experiment did not happen as planned) and makes it unknown in an unfinished one (the
 * run ended first): no heal is ever claimed that the History does not show.
 */
export function faultsCheck(outcomes: readonly FaultOutcomeSummary[], plan: Plan, progress: RunProgress): Check {
  const base = { name: 'faults injected and healed', category: 'faults' as const, threshold: outcomes.length };
  if (plan.dryRun === true) {
    return { ...base, pass: true, message: `dry run: none of the ${plan.timeline.length} planned faults was injected`, observed: 0, threshold: 0 };
  }
  const done = outcomes.filter((f) => f.injectedAt !== undefined && f.notHealed === undefined && f.error === undefined);
  const errors = outcomes.filter((f) => f.error !== undefined);
  const missing = outcomes.filter((f) => f.error === undefined && (f.injectedAt === undefined || f.notHealed !== undefined));
  const problems = [
    ...errors.map((f) => `${f.name}: ${f.error}`),
    ...missing.map((f) => `${f.name}: ${f.injectedAt === undefined ? 'never injected' : `never healed (${f.notHealed})`}`),
  ];
  const observed = done.length;
  if (problems.length === 0) return { ...base, pass: true, message: `${observed} of ${outcomes.length}`, observed };
  if (errors.length === 0 && !progress.finished) return { ...base, pass: false, unknown: true, message: problems.join('; '), observed };
  return { ...base, pass: false, message: problems.join('; '), observed };
}
