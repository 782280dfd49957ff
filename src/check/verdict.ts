import type { Slos } from '../history/slos.js';
import type { ExactlyOnceResult } from './exactly-once/checker.js';
import type { InvariantResult } from './invariants.js';
import type { Measurements } from './measurements.js';
import type { Check, CheckCategory, RunResult, Verdict } from './result.js';
import { sloChecks } from './slo-checks.js';

/**
 * The checks of a verdict after the steady-state and fault checks, in report order:
 * exactly-once and order, the Kafka invariant monitors, indeterminate sends, and the
 * recovery, lag, latency and throughput SLOs. Shared by a finished run and by a run rebuilt
 * from its History, so both judge alike.
 */
export function verdictChecks(slos: Slos, eo: ExactlyOnceResult, invariants: readonly InvariantResult[], m: Measurements): Check[] {
  const checks: Check[] = [];
  if (slos.exactlyOnce) {
    // a violation seen is one whatever else is unknown; without one, an unknown stays unknown
    const violations = eo.lost + eo.duplicated + eo.corrupted + eo.failedButPresent + eo.unexpected;
    checks.push({
      name: 'exactly-once',
      category: 'exactly-once',
      pass: eo.pass,
      ...(eo.unknown !== undefined && violations === 0 ? { unknown: true } : {}),
      message:
        (eo.unknown === undefined ? '' : `cannot rule out loss: ${eo.unknown}; `) +
        `${eo.acked} acked: ${eo.unknown === undefined ? `${eo.lost} lost` : 'loss not judged'}, ${eo.duplicated} duplicated, ${eo.corrupted} corrupted, ${eo.failedButPresent} failed-but-present, ${eo.unexpected} unexpected; ${eo.indeterminate} indeterminate (${eo.indeterminatePresent} present once)`,
      observed: violations,
      threshold: 0,
    });
  }
  if (slos.orderedPerKey) {
    checks.push({
      name: 'order per key',
      category: 'order',
      pass: eo.unknown === undefined && eo.reordered === 0,
      ...(eo.unknown !== undefined && eo.reordered === 0 ? { unknown: true } : {}),
      message: `${eo.reordered} records out of send order${eo.unknown === undefined ? '' : ` in what was read (${eo.unknown})`}`,
      observed: eo.reordered,
      threshold: 0,
    });
  }
  for (const monitor of invariants) {
    checks.push({
      name: monitor.name,
      category: 'invariants',
      pass: monitor.pass,
      message: monitor.samples.length > 0 && !monitor.pass ? `${monitor.message}: ${monitor.samples.join('; ')}` : monitor.message,
      observed: monitor.observed,
      ...(Number.isFinite(monitor.threshold) ? { threshold: monitor.threshold } : {}),
    });
  }
  if (slos.maxIndeterminate !== undefined) {
    checks.push({
      name: 'indeterminate sends',
      category: 'indeterminate',
      pass: eo.indeterminate <= slos.maxIndeterminate,
      message: `${eo.indeterminate} sends with unknown outcome`,
      observed: eo.indeterminate,
      threshold: slos.maxIndeterminate,
    });
  }
  checks.push(...sloChecks(slos, m));
  return checks;
}

/**
 * Marks the checks whose category `failOn` leaves out as not blocking, and gives the verdict:
 * fail when a blocking check failed, unknown when none failed but one could not be judged,
 * pass only when every blocking check held.
 */
export function verdictOf(checks: Check[], failOn?: readonly CheckCategory[]): Verdict {
  for (const c of checks) if (failOn !== undefined && c.category !== undefined && !failOn.includes(c.category)) c.blocking = false;
  const blocking = checks.filter((c) => c.blocking !== false);
  if (blocking.some((c) => !c.pass && c.unknown !== true)) return 'fail';
  if (blocking.some((c) => c.unknown === true)) return 'unknown';
  return 'pass';
}

/** The measured figures a result carries besides its checks. */
export function measuredFigures(m: Measurements): Pick<RunResult, 'latency' | 'throughput' | 'maxLag' | 'runtime'> {
  return {
    ...(m.runtime === undefined ? {} : { runtime: m.runtime }),
    latency: m.latencySummary,
    throughput: {
      ...(m.offeredPerSecond === undefined ? {} : { offeredPerSecond: m.offeredPerSecond }),
      ...(m.baseline === undefined ? {} : { baselinePerSecond: m.baseline.recordsPerSecond }),
      ...(m.throughputRatio === undefined ? {} : { ratio: m.throughputRatio }),
    },
    ...(m.maxLag === undefined ? {} : { maxLag: m.maxLag }),
  };
}
