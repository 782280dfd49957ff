import type { Slos } from '../history/slos.js';
import type { FaultRecovery, Measurements } from './measurements.js';
import type { Check, CheckCategory } from './result.js';

/**
 * The recovery, lag, latency and throughput SLOs of an experiment as checks against what the
 * run measured. One check per SLO, and for the per-fault SLOs one per fault. An SLO that could
 * not be measured (no consumer group for a lag SLO, a fault healed too late to see recovery)
 * fails: the verdict never claims what it did not see.
 */
export function sloChecks(slos: Slos, m: Measurements): Check[] {
  const checks: Check[] = [];
  const add = (category: CheckCategory, check: Check): void => void checks.push({ ...check, category });
  const { maxRecoverySeconds, lagRecoveredWithinSeconds, maxLag, minThroughputRatio } = slos;
  if (maxRecoverySeconds !== undefined) {
    if (m.baseline === undefined && m.faults.length > 0) {
      add('recovery', {
        name: 'recovery',
        pass: false,
        unknown: true,
        message: 'no throughput baseline before the first fault: recovery cannot be measured',
        threshold: maxRecoverySeconds,
      });
    } else {
      for (const f of m.faults) add('recovery', recoveryCheck(f, maxRecoverySeconds));
    }
  }
  if (maxLag !== undefined) {
    add(
      'lag',
      m.maxLag === undefined
        ? { name: 'max lag', pass: false, unknown: true, message: 'no consumer group lag was measured', threshold: maxLag }
        : { name: 'max lag', pass: m.maxLag <= maxLag, message: `at most ${m.maxLag} records behind`, observed: m.maxLag, threshold: maxLag },
    );
  }
  if (lagRecoveredWithinSeconds !== undefined) {
    for (const f of m.faults) {
      const s = f.lagRecoveredAfterHealSeconds;
      const name = `lag recovered: ${f.name}`;
      if (f.notHealed === true) {
        add('lag', { name, pass: false, unknown: true, message: 'never healed: lag recovery cannot be judged', threshold: lagRecoveredWithinSeconds });
        continue;
      }
      if (s === undefined && f.cutShortBy !== undefined && m.lag.length > 0) {
        add('lag', {
          name,
          pass: false,
          unknown: true,
          message: `lag had not recovered when the next fault (${f.cutShortBy}) began: its recovery cannot be told apart`,
          threshold: lagRecoveredWithinSeconds,
        });
        continue;
      }
      add(
        'lag',
        m.lag.length === 0
          ? { name, pass: false, unknown: true, message: 'no consumer group lag was measured', threshold: lagRecoveredWithinSeconds }
          : s === undefined
            ? {
                name,
                pass: false,
                message: `lag never got back under ${slos.recovery.lagBelow} records after the heal`,
                observed: 'never',
                threshold: lagRecoveredWithinSeconds,
              }
            : {
                name,
                pass: s <= lagRecoveredWithinSeconds,
                message: `lag under ${slos.recovery.lagBelow} records ${seconds(s)} after the heal (at most ${f.maxLag ?? 0} behind)`,
                observed: round(s),
                threshold: lagRecoveredWithinSeconds,
              },
      );
    }
  }
  for (const [key, label, field] of [
    ['p50LatencyMs', 'p50 latency', 'p50'],
    ['p99LatencyMs', 'p99 latency', 'p99'],
    ['maxLatencyMs', 'max latency', 'max'],
  ] as const) {
    const threshold = slos[key];
    if (threshold === undefined) continue;
    const overall = m.latencySummary.overall;
    if (overall === undefined) {
      add('latency', { name: label, pass: false, unknown: true, message: 'no end-to-end latency was measured (the watcher saw no record)', threshold });
      continue;
    }
    const observed = overall[field];
    const phases = (['steady', 'fault', 'recovery'] as const).flatMap((p) =>
      m.latencySummary[p] === undefined ? [] : [`${p} ${Math.round(m.latencySummary[p][field])} ms`],
    );
    add('latency', {
      name: label,
      pass: observed <= threshold,
      message: `${Math.round(observed)} ms over ${overall.count} records (${phases.join(', ')})`,
      observed: Math.round(observed),
      threshold,
    });
  }
  if (minThroughputRatio !== undefined) {
    const r = m.throughputRatio;
    add(
      'throughput',
      r === undefined
        ? { name: 'throughput', pass: false, message: 'the offered load or the load period is unknown', threshold: minThroughputRatio }
        : {
            name: 'throughput',
            pass: r >= minThroughputRatio,
            message: `${(r * 100).toFixed(1)}% of the ${m.offeredPerSecond ?? '?'} records/s offered were acknowledged`,
            observed: round(r, 3),
            threshold: minThroughputRatio,
          },
    );
  }
  return checks;
}

function recoveryCheck(f: FaultRecovery, threshold: number): Check {
  const name = `recovery: ${f.name}`;
  if (f.notHealed === true) return { name, pass: false, unknown: true, message: 'never healed: recovery cannot be judged', threshold };
  if (f.recoverySeconds === undefined && f.cutShortBy !== undefined) {
    return {
      name,
      pass: false,
      unknown: true,
      message: `throughput had not recovered when the next fault (${f.cutShortBy}) began: its recovery cannot be told apart from that fault's damage`,
      threshold,
    };
  }
  if (f.recoverySeconds === undefined) {
    return { name, pass: false, message: 'throughput did not recover (and stay recovered) before load stopped', observed: 'never', threshold };
  }
  const parts = [
    !f.impacted ? 'throughput never fell under the recovery threshold' : undefined,
    f.impacted && f.failoverSeconds !== undefined ? `failover in ${seconds(f.failoverSeconds)}` : undefined,
    f.impacted && f.failoverSeconds === undefined && f.healedAt !== undefined ? 'below the recovery threshold until the heal' : undefined,
    f.healedAt !== undefined && f.recoveredAfterHealSeconds !== undefined ? `recovered ${seconds(f.recoveredAfterHealSeconds)} after the heal` : undefined,
    f.impacted && f.outageSeconds !== undefined ? `recovered ${seconds(f.outageSeconds)} after the injection` : undefined,
  ].filter((p): p is string => p !== undefined);
  return { name, pass: f.recoverySeconds <= threshold, message: parts.join(', '), observed: round(f.recoverySeconds), threshold };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function seconds(s: number): string {
  return `${s.toFixed(2)} s`;
}
