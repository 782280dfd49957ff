import { countOutcomes, SendOutcomes } from './send-outcomes.js';
import type { EventEntry, HistoryEntry, RunEntry } from '../history/types.js';
import { checkJudged } from './exactly-once/checker.js';
import { faultEffects } from './fault-effects.js';
import { faultOutcomes, faultsCheck } from './fault-outcomes.js';
import { checkAckedBelowMinIsr, checkNoUncleanElection, checkSingleController, measureOffline } from './invariants.js';
import { measure } from './measure.js';
import type { Measurements } from './measurements.js';
import { CHECK_CATEGORIES, type Check, type CheckCategory, type RunResult } from './result.js';
import { damageText, type HistoryDamage, historyDamage, phasesNotRunText, type RunProgress, runProgress } from './run-progress.js';
import { measuredFigures, verdictChecks, verdictOf } from './verdict.js';

export interface JudgeOptions {
  /** Which kinds of check fail the run (`--fail-on`); what the run recorded when undefined, else all. */
  failOn?: readonly CheckCategory[];
}

/** The verdict and what was measured, both from one History. */
export interface Judgement {
  result: RunResult;
  measurements: Measurements;
}

/**
 * Record, then judge: the one builder of a run's verdict. A pure function of the History (and
 * `--fail-on`): a live run and `streamchaos report` on its folder call it on the same History
 * and get the same result. Everything it needs is in the History: the plan in its first line
 * (what is judged, the SLOs), probes, fault events, sends, reads, samples, notes.
 *
 * A run that did not finish (its deadline passed, a signal interrupted it, the harness was
 * killed or crashed) is judged as such: its verdict is unknown unless a violation was seen
 * anyway (a duplicate, an invariant broken), it says which phases never ran, counts nothing as
 * lost that was never read, and no check claims a heal that did not happen.
 */
export function judge(history: readonly HistoryEntry[], options: JudgeOptions = {}): Judgement {
  const run = history.find((e): e is RunEntry => e.type === 'run');
  if (run === undefined) throw new Error('the history has no run entry (its first line): it is not the history of a streamchaos run');
  const plan = run.plan;
  const progress = runProgress(history);
  const effectsOf = faultEffects(history);
  const measurements = measure(history, undefined, effectsOf);
  const outcomes = faultOutcomes(history, plan);
  const eo = checkJudged(history, plan.judged, plan.slos.orderedPerKey);
  const invariants = [checkNoUncleanElection(history), checkSingleController(history), checkAckedBelowMinIsr(history), measureOffline(history)];
  const checks: Check[] = [...probeChecks(history), faultsCheck(outcomes, plan, progress), ...verdictChecks(plan.slos, eo, invariants, measurements)];
  if (!progress.finished) for (const c of checks) judgeUnfinished(c);
  // the torn last line of a run that did not finish is where its History ends: the unfinished rule covers it
  const damage = historyDamage(history);
  const damaged = damage !== undefined && !(damage.tornOnly && !progress.finished) ? damage : undefined;
  if (damaged !== undefined) {
    // what the lines read show by themselves stands; anything missing lines could have caused or hidden does not
    const seen = eo.duplicated + eo.corrupted + eo.failedButPresent > 0;
    const standing = new Set([invariants[0]?.name, invariants[1]?.name]);
    for (const c of checks) judgeDamaged(c, damaged, (c.category === 'exactly-once' && seen) || standing.has(c.name));
    checks.unshift(damageCheck(damaged));
  }
  const failOn = options.failOn ?? recordedFailOn(run);
  const verdict = verdictOf(checks, failOn);
  const effects = new Map(effectsOf.map((e) => [e.index, e]));
  const recoveries = new Map(measurements.faults.map((f) => [f.index, f]));
  const result: RunResult = {
    name: run.name,
    verdict: (!progress.finished || damaged !== undefined) && verdict === 'pass' ? 'unknown' : verdict,
    ...(progress.finished ? {} : { unfinished: unfinishedOf(progress, damage) }),
    seed: run.seed,
    startedAt: new Date(measurements.loadStart ?? run.time).toISOString(),
    command: run.command,
    checks,
    exactlyOnce: eo,
    faults: outcomes.map((f) => {
      const effect = effects.get(f.index);
      const recovery = recoveries.get(f.index);
      return { ...f, ...(effect === undefined ? {} : { effect }), ...(recovery === undefined ? {} : { recovery }) };
    }),
    producers: producerCounts(history),
    ...measuredFigures(measurements),
    plan,
  };
  return { result, measurements };
}

/** One check per steady-state probe the History recorded, before and after. */
function probeChecks(history: readonly HistoryEntry[]): Check[] {
  return history
    .filter((e): e is EventEntry => e.type === 'event' && e.kind === 'probe')
    .map((e) => ({
      name: e.name.replace(/^steady-state /, 'steady state '),
      category: 'steady-state',
      pass: e.detail?.pass === true,
      message: String(e.detail?.message ?? ''),
    }));
}

/**
 * In a run that did not finish, a check that held only held as far as the run went, and most
 * failures could still have turned out otherwise (a recovery not seen yet, a percentile): both
 * become unknown. A failure stands where more evidence could not undo it: a violation seen
 * (exactly-once, order, an invariant), more indeterminate sends than allowed, lag over its
 * maximum, a fault that failed, a steady state that did not hold after the faults.
 */
function judgeUnfinished(c: Check): void {
  if (c.unknown === true) return;
  if (c.pass) {
    Object.assign(c, { pass: false, unknown: true, message: `held as far as the run went, which did not finish: ${c.message}` });
    return;
  }
  const stands =
    c.category === 'exactly-once' ||
    c.category === 'order' ||
    c.category === 'invariants' ||
    c.category === 'indeterminate' ||
    c.category === 'faults' ||
    c.name === 'max lag' ||
    c.name.startsWith('steady state after');
  if (!stands) Object.assign(c, { unknown: true, message: `not judged, the run did not finish (so far: ${c.message})` });
}

/** The name of the check a damaged History adds, first: it never passes, and no `--fail-on` leaves it out. */
export const HISTORY_CHECK = 'history read whole';

function damageCheck(damage: HistoryDamage): Check {
  return {
    name: HISTORY_CHECK,
    pass: false,
    unknown: true,
    message: `${damageText(damage)}; the verdict cannot rest on a damaged history`,
    observed: damage.count,
    threshold: 0,
  };
}

/**
 * In a damaged History (lines skipped as unreadable), a check that held only held in the lines
 * read, and most failures could come from the lines skipped (a read line skipped looks like
 * loss, a skipped send like an unexpected record, a skipped heal like a fault never healed): both
 * become unknown. A failure stands where the lines read show it by themselves (`stands`): a
 * record duplicated, corrupted or failed-but-present, records out of order, two controllers in
 * one epoch, an unclean election logged, a steady-state probe that failed, lag over its maximum.
 */
function judgeDamaged(c: Check, damage: HistoryDamage, stands: boolean): void {
  if (c.unknown === true) return;
  const skipped = `${damage.count} damaged line${damage.count === 1 ? ' was' : 's were'} skipped`;
  if (c.pass) {
    Object.assign(c, { pass: false, unknown: true, message: `held in the lines that could be read, but ${skipped}: ${c.message}` });
    return;
  }
  if (stands || c.category === 'order' || c.category === 'steady-state' || c.name === 'max lag') {
    if (c.category === 'exactly-once') c.message += ` (${skipped}: a loss or unexpected record may be one of theirs)`;
    return;
  }
  Object.assign(c, { unknown: true, message: `not judged, ${skipped} and this may rest on them (so far: ${c.message})` });
}

function unfinishedOf(progress: RunProgress, damage: HistoryDamage | undefined): NonNullable<RunResult['unfinished']> {
  const never = phasesNotRunText(progress);
  const torn = damage?.tornOnly === true ? `; ${damage.lines[0] ?? 'its last line is cut short'}` : '';
  return {
    reason: `${progress.reason ?? 'the run did not finish'}${never === '' ? '' : `; ${never}`}${torn}`,
    phasesNotRun: [...progress.phasesNotRun],
  };
}

function recordedFailOn(run: RunEntry): CheckCategory[] | undefined {
  if (!Array.isArray(run.failOn)) return undefined;
  const known: readonly string[] = CHECK_CATEGORIES;
  return run.failOn.filter((c): c is CheckCategory => typeof c === 'string' && known.includes(c));
}

/** Records sent, acknowledged, failed and indeterminate per producer; a record no completion covers is indeterminate. */
function producerCounts(history: readonly HistoryEntry[]): RunResult['producers'] {
  const outcomes = SendOutcomes.of(history);
  const producers = new Map<string, RunResult['producers'][number]>();
  for (const e of history) {
    if (e.type !== 'send' || e.phase !== 'invoke') continue;
    let p = producers.get(e.process);
    if (p === undefined) {
      p = { name: e.process, sent: 0, acked: 0, failed: 0, indeterminate: 0 };
      producers.set(e.process, p);
    }
    const n = e.records.length;
    const counts = countOutcomes(outcomes.batch(e.process, e.batch, n), n);
    p.sent += n;
    p.acked += counts.acked;
    p.failed += counts.failed;
    p.indeterminate += counts.indeterminate;
  }
  return [...producers.values()];
}
