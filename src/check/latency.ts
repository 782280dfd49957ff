import type { HistoryEntry, RunEntry, SeenEntry } from '../history/types.js';
import type { FaultRecovery, LatencySummary, Measurements, Percentiles } from './measurements.js';
import type { Sends } from './send-times.js';

/** The output topics the watchers read: every topic the plan judges (none known: every topic seen). */
function outputTopics(run: RunEntry | undefined): Set<string> | undefined {
  const judged = run?.plan.judged;
  return Array.isArray(judged) ? new Set(judged.map((j) => j.output)) : undefined;
}

/** End-to-end latency: from each record's send to when a watcher saw it committed, per second and per phase (steady, fault, recovery). */
export function latencyOf(
  history: readonly HistoryEntry[],
  sends: Sends,
  run: RunEntry | undefined,
  faults: readonly FaultRecovery[],
  loadStart: number | undefined,
): { latency: Measurements['latency']; latencySummary: LatencySummary } {
  const topics = outputTopics(run);
  const seen = new Set<string>();
  const samples: { sentAt: number; ms: number }[] = [];
  for (const e of history) {
    if (e.type !== 'seen' || (topics !== undefined && !topics.has(e.topic))) continue;
    const s: SeenEntry = e;
    for (const id of s.ids) {
      if (id === null || seen.has(id)) continue;
      seen.add(id);
      const sentAt = sends.sentAt.get(id);
      if (sentAt !== undefined) samples.push({ sentAt, ms: Math.max(0, s.time - sentAt) });
    }
  }
  let unseen = 0;
  for (const id of sends.acked) if (!seen.has(id)) unseen++;
  const phase = (t: number): 'steady' | 'fault' | 'recovery' => {
    let p: 'steady' | 'fault' | 'recovery' = 'steady';
    for (const f of faults) {
      const end = f.healedAt ?? f.injectedAt;
      if (t >= f.injectedAt && t <= end) return 'fault';
      if (t > end && f.recoveredAt !== undefined && t <= f.recoveredAt) p = 'recovery';
      if (t > end && f.recoveredAt === undefined) p = 'recovery';
    }
    return p;
  };
  const byPhase = { steady: [] as number[], fault: [] as number[], recovery: [] as number[] };
  for (const s of samples) byPhase[phase(s.sentAt)].push(s.ms);
  const series: Measurements['latency'] = [];
  if (loadStart !== undefined && samples.length > 0) {
    const buckets = new Map<number, number[]>();
    for (const s of samples) {
      const second = Math.floor((s.sentAt - loadStart) / 1000);
      const list = buckets.get(second) ?? buckets.set(second, []).get(second)!;
      list.push(s.ms);
    }
    for (const [second, list] of [...buckets.entries()].sort((a, b) => a[0] - b[0])) {
      const p = percentiles(list);
      if (p !== undefined) series.push({ time: loadStart + second * 1000, ...p });
    }
  }
  const summary: LatencySummary = { unseen };
  const all = percentiles(samples.map((s) => s.ms));
  if (all !== undefined) summary.overall = all;
  for (const name of ['steady', 'fault', 'recovery'] as const) {
    const p = percentiles(byPhase[name]);
    if (p !== undefined) summary[name] = p;
  }
  return { latency: series, latencySummary: summary };
}

/** Nearest-rank percentiles; undefined for no values. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
