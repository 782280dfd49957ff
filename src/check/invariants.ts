import { coveredRange } from './send-outcomes.js';
import type { EventEntry, HistoryEntry, SampleEntry, SendComplete, SendInvoke } from '../history/types.js';

/** The outcome of one Kafka invariant monitor over the samples of a run. */
export interface InvariantResult {
  name: string;
  pass: boolean;
  message: string;
  observed: number;
  threshold: number;
  samples: string[];
}

const samplesOf = (history: readonly HistoryEntry[]): SampleEntry[] =>
  history.filter((e): e is SampleEntry => e.type === 'sample').sort((a, b) => a.time - b.time);

/**
 * Raft's election safety, as the brokers report it: in any one quorum epoch, at most one
 * broker is the leader (the active controller). Two different leaders named for the same
 * epoch, by any brokers at any times, is a violation.
 */
export function checkSingleController(history: readonly HistoryEntry[]): InvariantResult {
  const leadersByEpoch = new Map<number, Set<number>>();
  for (const s of samplesOf(history)) {
    for (const q of s.quorum ?? []) {
      const set = leadersByEpoch.get(q.epoch) ?? leadersByEpoch.set(q.epoch, new Set()).get(q.epoch)!;
      set.add(q.leader);
    }
  }
  const split = [...leadersByEpoch].filter(([, leaders]) => leaders.size > 1);
  const epochs = leadersByEpoch.size;
  return {
    name: 'at most one active controller',
    pass: split.length === 0,
    message: split.length === 0 ? `${epochs} quorum epoch${epochs === 1 ? '' : 's'} seen, one leader each` : `${split.length} epochs with several leaders`,
    observed: split.length,
    threshold: 0,
    samples: split.slice(0, 10).map(([epoch, leaders]) => `epoch ${epoch}: brokers ${[...leaders].join(', ')}`),
  };
}

/**
 * No write is acknowledged while its partition has fewer in-sync replicas than
 * min.insync.replicas (with acks=all the broker must refuse it). Judged conservatively, so
 * sampling cannot cry wolf: a send counts only when the samples just before its invocation
 * and just after its acknowledgement both show the partition's ISR below the minimum.
 */
export function checkAckedBelowMinIsr(history: readonly HistoryEntry[]): InvariantResult {
  const samples = samplesOf(history);
  const invokes = new Map<string, SendInvoke>();
  const violations: string[] = [];
  let acked = 0;
  for (const e of history) {
    if (e.type !== 'send') continue;
    if (e.phase === 'invoke') {
      invokes.set(`${e.process}#${e.batch}`, e);
      continue;
    }
    const inv = invokes.get(`${e.process}#${e.batch}`);
    if (e.phase !== 'ok' || inv?.partition === undefined) continue;
    acked++;
    const [start, end] = coveredRange(e, inv.records.length);
    if (shortAround(samples, inv, e)) violations.push(`${inv.topic}-${inv.partition}: ${inv.process} batch ${inv.batch} (${end - start} records)`);
  }
  return {
    name: 'no write acknowledged below min.insync.replicas',
    pass: violations.length === 0,
    message:
      violations.length === 0
        ? `${acked} acknowledged batches, none while their ISR was below the minimum`
        : `${violations.length} batches acknowledged while their ISR was below min.insync.replicas`,
    observed: violations.length,
    threshold: 0,
    samples: violations.slice(0, 10),
  };
}

function shortAround(samples: readonly SampleEntry[], inv: SendInvoke, done: SendComplete): boolean {
  const before = lastAtOrBefore(samples, inv.time);
  const after = samples.find((s) => s.time >= done.time);
  if (before === undefined || after === undefined) return false;
  return [before, after].every((s) => {
    const p = s.partitions.find((x) => x.topic === inv.topic && x.partition === inv.partition);
    const min = s.minIsr?.[inv.topic];
    return p !== undefined && min !== undefined && p.isr.length < min;
  });
}

function lastAtOrBefore(samples: readonly SampleEntry[], time: number): SampleEntry | undefined {
  let found: SampleEntry | undefined;
  for (const s of samples) {
    if (s.time > time) break;
    found = s;
  }
  return found;
}

/**
 * How long partitions had no leader (offline), from consecutive samples: each interval between
 * two samples that both show the partition leaderless counts. Passes unless `maxSeconds` is set
 * and some partition was offline longer.
 */
export function measureOffline(history: readonly HistoryEntry[], maxSeconds?: number): InvariantResult {
  const samples = samplesOf(history);
  const offlineMs = new Map<string, number>();
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    for (const p of b.partitions) {
      const prev = a.partitions.find((x) => x.topic === p.topic && x.partition === p.partition);
      if (p.leader < 0 && prev !== undefined && prev.leader < 0) {
        const key = `${p.topic}-${p.partition}`;
        offlineMs.set(key, (offlineMs.get(key) ?? 0) + (b.time - a.time));
      }
    }
  }
  const worst = [...offlineMs].sort((x, y) => y[1] - x[1]);
  const worstSeconds = (worst[0]?.[1] ?? 0) / 1000;
  return {
    name: 'partitions offline',
    pass: maxSeconds === undefined || worstSeconds <= maxSeconds,
    message:
      worst.length === 0
        ? 'no partition was ever without a leader'
        : `${worst.length} partitions were without a leader, longest ${worstSeconds.toFixed(1)} s (${worst[0]![0]})`,
    observed: worstSeconds,
    threshold: maxSeconds ?? Number.POSITIVE_INFINITY,
    samples: worst.slice(0, 10).map(([k, ms]) => `${k}: ${(ms / 1000).toFixed(1)} s`),
  };
}

/** The History note the runner writes for each unclean leader election a controller logged. */
export const UNCLEAN_ELECTION_NOTE = 'unclean leader election';

/** No leader was ever elected from outside the ISR (each one risks losing acknowledged writes). */
export function checkNoUncleanElection(history: readonly HistoryEntry[]): InvariantResult {
  const found = history.filter((e): e is EventEntry => e.type === 'event' && e.kind === 'note' && e.name === UNCLEAN_ELECTION_NOTE);
  return {
    name: 'no unclean leader election',
    pass: found.length === 0,
    message: found.length === 0 ? 'no controller logged an unclean election' : `${found.length} unclean leader elections`,
    observed: found.length,
    threshold: 0,
    samples: found.slice(0, 10).map((e) => `${String(e.detail?.node)}: ${String(e.detail?.line).slice(0, 300)}`),
  };
}
