import { ENVIRONMENT_UP, type EventEntry, type HistoryEntry, type LagEntry, type RunEntry, type SampleEntry } from '../history/types.js';
import { DEFAULT_RECOVERY, type RecoveryDefinition } from '../history/slos.js';
import { type FaultEffect, faultEffects } from './fault-effects.js';
import type { FaultRecovery, Measurements, RuntimeInfo } from './measurements.js';
import { AckSeries, WINDOW_MS } from './ack-series.js';
import { latencyOf } from './latency.js';
import { collectSendTimes, type Sends } from './send-times.js';

/** Throughput before this long after load start is left out of the baseline (clients connect, batches warm up). */
const WARMUP_MS = 2000;

/**
 * Everything the run measured, from its History alone: throughput and errors per second,
 * end-to-end latency, lag, the cluster's state, and how each fault was recovered from.
 * Pure: the same history always gives the same measurements.
 */
/** `effects`: the faults' effects when the caller has them already (the judge does), so they are worked out once. */
export function measure(
  history: readonly HistoryEntry[],
  recovery?: RecoveryDefinition,
  effectsOf: readonly FaultEffect[] = faultEffects(history),
): Measurements {
  const run = history.find((e): e is RunEntry => e.type === 'run');
  const def: RecoveryDefinition = recovery ?? run?.plan.slos.recovery ?? DEFAULT_RECOVERY;
  const events = history.filter((e): e is EventEntry => e.type === 'event').sort((a, b) => a.time - b.time);
  const sends = collectSendTimes(history);
  const runtime = runtimeOf(events);
  const loadStart = events.find((e) => e.kind === 'load' && e.name === 'start')?.time ?? sends.firstInvoke;
  const loadStop = events.find((e) => e.kind === 'load' && e.name === 'stop')?.time ?? sends.lastComplete;
  const offeredPerSecond = run?.plan.producers.reduce((sum, p) => sum + p.rate, 0);
  const acks = new AckSeries(sends.acks, sends.errors);

  const faultStarts = events.filter((e) => e.kind === 'fault-start');
  const firstFault = faultStarts[0]?.time;
  const baseline = baselineOf(acks, loadStart, loadStop, firstFault, offeredPerSecond);

  const lag = history.filter((e): e is LagEntry => e.type === 'lag').sort((a, b) => a.time - b.time);
  const effects = new Map(effectsOf.map((e) => [e.index, e]));
  const heals = new Map(events.filter((e) => e.kind === 'fault-heal').map((e) => [Number(e.detail?.index), e.time]));
  // a heal that takes time (a killed broker's restart) says when it began: the fault ends there
  const healsBegun = new Map(
    events.filter((e) => e.kind === 'fault-heal').map((e) => [Number(e.detail?.index), typeof e.detail?.begunAt === 'number' ? e.detail.begunAt : e.time]),
  );
  const faults: FaultRecovery[] = faultStarts.map((start) => {
    const index = Number(start.detail?.index);
    const completedAt = typeof start.detail?.completedAt === 'number' ? start.detail.completedAt : undefined;
    const healedAt = heals.get(index);
    const fault: FaultRecovery = {
      index,
      name: start.name,
      ...(typeof start.detail?.kind === 'string' ? { kind: start.detail.kind } : {}),
      ...(start.target === undefined ? {} : { target: start.target }),
      injectedAt: start.time,
      ...(healedAt === undefined ? {} : { healedAt }),
      impacted: false,
    };
    const effect = effects.get(index);
    if (effect?.isrRestoredAfterHealSeconds !== undefined) fault.isrFullAfterHealSeconds = effect.isrRestoredAfterHealSeconds;
    // a planned fault without a heal time is instant (a kill, a restart); older histories say so by completedAt alone
    const planned = run?.plan.timeline.find((p) => p.index === index);
    const instant = completedAt !== undefined || (planned !== undefined && planned.healAtMs === undefined);
    if (healedAt === undefined && !instant) {
      // it has a heal that never came: no recovery is measured against a heal that did not happen
      fault.notHealed = true;
      return fault;
    }
    const end = healedAt ?? completedAt ?? start.time;
    // its recovery is judged up to the next fault that begins after it is over: past that, the
    // damage could be the next one's (the overlap is named)
    const next = faultStarts.find((s) => s !== start && s.time >= end && s.time >= start.time);
    const horizon = next !== undefined && loadStop !== undefined && next.time < loadStop ? next.time : loadStop;
    if (baseline !== undefined && horizon !== undefined) {
      Object.assign(fault, recoveryOf(acks, start.time, Math.min(end, healsBegun.get(index) ?? end), end, horizon, baseline.recordsPerSecond, def));
    }
    Object.assign(
      fault,
      lagRecoveryOf(
        lag.filter((l) => horizon === undefined || l.time <= horizon),
        start.time,
        end,
        fault.recoveredAt,
        def.lagBelow,
      ),
    );
    if (next !== undefined && horizon === next.time) {
      if (fault.recoverySeconds === undefined || (fault.lagRecoveredAfterHealSeconds === undefined && lag.length > 0)) fault.cutShortBy = next.name;
    }
    return fault;
  });

  const duration = loadStart !== undefined && loadStop !== undefined ? (loadStop - loadStart) / 1000 : undefined;
  return {
    ...(runtime === undefined ? {} : { runtime }),
    ...(loadStart === undefined ? {} : { loadStart }),
    ...(loadStop === undefined ? {} : { loadStop }),
    ...(offeredPerSecond === undefined ? {} : { offeredPerSecond }),
    ...(baseline === undefined ? {} : { baseline }),
    ...(offeredPerSecond !== undefined && duration !== undefined && duration > 0 ? { throughputRatio: sends.totalAcked / (offeredPerSecond * duration) } : {}),
    throughput: perSecond(sends, loadStart, loadStop),
    ...latencyOf(history, sends, run, faults, loadStart),
    lag: lag.map((l) => ({ time: l.time, group: l.group, total: l.total })),
    ...(lag.length === 0 ? {} : { maxLag: lag.reduce((max, l) => Math.max(max, l.total), -Infinity) }),
    cluster: history.filter((e): e is SampleEntry => e.type === 'sample').map(clusterPoint),
    faults,
    events: events.map((e) => ({ time: e.time, kind: e.kind, name: e.name, ...(e.target === undefined ? {} : { target: e.target }) })),
  };
}

/** Mean throughput from WARMUP_MS after load start to the first fault (or load stop); the offered rate when that window is too short. */
function baselineOf(
  acks: AckSeries,
  loadStart: number | undefined,
  loadStop: number | undefined,
  firstFault: number | undefined,
  offered: number | undefined,
): Measurements['baseline'] {
  if (loadStart === undefined) return undefined;
  const to = firstFault ?? loadStop;
  if (to === undefined) return undefined;
  let from = loadStart + WARMUP_MS;
  if (to - from < WINDOW_MS) from = loadStart;
  if (to - from < WINDOW_MS) return offered === undefined ? undefined : { recordsPerSecond: offered, from, to };
  return { recordsPerSecond: acks.acked(from, to) / ((to - from) / 1000), from, to };
}

/**
 * How a fault was recovered from (see Measurements / the report's definitions). `end` is the
 * heal, or for a fault without one the moment it was over (its injection for a kill).
 */
function recoveryOf(
  acks: AckSeries,
  injectedAt: number,
  healBegun: number,
  end: number,
  loadStop: number,
  baseline: number,
  def: RecoveryDefinition,
): Partial<FaultRecovery> {
  const threshold = def.throughputRatio * baseline;
  const holdMs = def.holdSeconds * 1000;
  // the first moment from the injection from which throughput stayed good up to the heal's
  // beginning (and for the hold): while a heal is under way (a broker restarting) what
  // throughput does is the heal's doing, judged after it, not a failover that did not hold
  const stable = acks.firstStable(injectedAt, healBegun - WINDOW_MS, holdMs, threshold, loadStop);
  const afterHeal = acks.firstStable(end, end, holdMs, threshold, loadStop);
  const firstBad = acks.firstBad(injectedAt, end + holdMs, threshold, loadStop);
  const impacted = firstBad !== undefined;
  const out: Partial<FaultRecovery> = { impacted };
  // shown as a failover only when it held for a whole hold before the heal (a good patch just
  // before the heal may be the heal arriving); the recovery time does not depend on this call
  const failover = stable !== undefined && stable + Math.max(holdMs, WINDOW_MS) <= healBegun ? stable : undefined;
  if (end > injectedAt && failover !== undefined) out.failoverSeconds = impacted ? (acks.resumedAt(failover) - injectedAt) / 1000 : 0;
  // still down at the heal: it recovered with the first acknowledgement after it
  const downAtHeal = impacted && (stable === undefined || stable >= healBegun);
  const disturbedByHeal = afterHeal !== undefined && afterHeal > end;
  if (afterHeal !== undefined) out.recoveredAfterHealSeconds = afterHeal === end && !downAtHeal ? 0 : (acks.resumedAt(afterHeal) - end) / 1000;
  let recoveredAt: number | undefined;
  if (afterHeal === undefined)
    recoveredAt = undefined; // never held after the heal before load stopped
  else if (disturbedByHeal)
    recoveredAt = acks.resumedAt(afterHeal); // the heal itself set it back
  else if (!impacted) recoveredAt = injectedAt;
  else recoveredAt = acks.resumedAt(stable ?? afterHeal);
  if (recoveredAt !== undefined) {
    out.recoveredAt = recoveredAt;
    out.outageSeconds = impacted ? (recoveredAt - injectedAt) / 1000 : 0;
    // what maxRecoverySeconds holds: injection to recovery for good, whether that came while the
    // fault was active (a failover) or after its heal; continuous in both cases, so no flip-flop
    // when a failover lands just before the heal
    out.recoverySeconds = out.outageSeconds;
  }
  const worst = acks.minRate(injectedAt, recoveredAt ?? loadStop, loadStop);
  if (worst !== undefined && baseline > 0) out.minThroughputRatio = worst / baseline;
  return out;
}

/**
 * Most lag from the injection to the recovery, and how long after the heal every group's lag
 * was first back under `below` (0 when it was under at the heal).
 */
function lagRecoveryOf(lag: readonly LagEntry[], injectedAt: number, end: number, recoveredAt: number | undefined, below: number): Partial<FaultRecovery> {
  if (lag.length === 0) return {};
  let worst = 0;
  for (const group of new Set(lag.map((l) => l.group))) {
    const back = lag.find((l) => l.group === group && l.time >= end && l.total < below);
    if (back === undefined) return { maxLag: maxLagBetween(lag, injectedAt, Number.POSITIVE_INFINITY) };
    worst = Math.max(worst, (back.time - end) / 1000);
  }
  return { lagRecoveredAfterHealSeconds: worst, maxLag: maxLagBetween(lag, injectedAt, Math.max(end + worst * 1000, recoveredAt ?? 0)) };
}

function maxLagBetween(lag: readonly LagEntry[], from: number, to: number): number {
  return lag.filter((l) => l.time >= from && l.time <= to).reduce((max, l) => Math.max(max, l.total), 0);
}

function perSecond(sends: Sends, loadStart: number | undefined, loadStop: number | undefined): Measurements['throughput'] {
  if (loadStart === undefined || loadStop === undefined) return [];
  const seconds = Math.max(1, Math.ceil((loadStop - loadStart) / 1000));
  const points = Array.from({ length: seconds }, (_, i) => ({ time: loadStart + i * 1000, acked: 0, errors: 0 }));
  for (const a of sends.acks) {
    const p = points[Math.floor((a.time - loadStart) / 1000)];
    if (p !== undefined) p.acked += a.count;
  }
  for (const e of sends.errors) {
    const p = points[Math.floor((e.time - loadStart) / 1000)];
    if (p !== undefined) p.errors += e.count;
  }
  return points;
}

function clusterPoint(s: SampleEntry): Measurements['cluster'][number] {
  const votes = new Map<number, number>();
  for (const q of s.quorum ?? []) votes.set(q.leader, (votes.get(q.leader) ?? 0) + 1);
  const controller = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const minIsr = s.partitions.length === 0 ? undefined : s.partitions.reduce((min, p) => Math.min(min, p.isr.length), Infinity);
  return {
    time: s.time,
    liveBrokers: s.liveBrokers.length,
    underReplicated: s.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    offline: s.partitions.filter((p) => p.leader < 0).length,
    ...(minIsr === undefined ? {} : { minIsr }),
    ...(controller === undefined ? {} : { controller }),
    ...(s.processorsAlive === undefined ? {} : { processorsAlive: s.processorsAlive }),
  };
}

/** The runtime the environment came up on, from the note the run records (absent in histories from before it did). */
function runtimeOf(events: readonly EventEntry[]): RuntimeInfo | undefined {
  const up = events.find((e) => e.kind === 'note' && e.name === ENVIRONMENT_UP);
  const detail = up?.detail;
  if (detail === undefined || typeof detail.runtime !== 'string') return undefined;
  const nodes = Object.fromEntries(Object.entries(detail).filter((kv): kv is [string, string] => kv[0] !== 'runtime' && typeof kv[1] === 'string'));
  return { name: detail.runtime, nodes };
}
