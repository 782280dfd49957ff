import type { EventEntry, HistoryEntry, SampleEntry } from '../history/types.js';

/** What a fault did to the cluster, as the samples show it. */
export interface FaultEffect {
  index: number;
  name: string;
  target?: string;
  /** Partitions whose leader changed between the injection and 10 s after the heal. */
  leaderChanges: number;
  /** The smallest ISR of any partition in that window. */
  minIsr: number | undefined;
  /** The most under-replicated partitions seen at once. */
  maxUnderReplicated: number;
  /** Brokers missing from the live set at some point in the window. */
  brokersLost: number[];
  /** Seconds from the heal until every ISR was full again (undefined: never in the samples). */
  isrRestoredAfterHealSeconds: number | undefined;
}

const AFTER_HEAL_MS = 10_000;

/** One effect per injected fault, in injection order. Pure: reads only fault events and samples. */
export function faultEffects(history: readonly HistoryEntry[]): FaultEffect[] {
  const samples = history.filter((e): e is SampleEntry => e.type === 'sample').sort((a, b) => a.time - b.time);
  const events = history.filter((e): e is EventEntry => e.type === 'event');
  const heals = new Map(events.filter((e) => e.kind === 'fault-heal').map((e) => [Number(e.detail?.index), e.time]));
  return events
    .filter((e) => e.kind === 'fault-start')
    .map((start) => {
      const index = Number(start.detail?.index);
      // an instant fault (a restart) has no heal: its effects are measured from when it was over
      const completedAt = typeof start.detail?.completedAt === 'number' ? start.detail.completedAt : undefined;
      const healedAt = heals.get(index) ?? completedAt;
      const end = (healedAt ?? start.time) + AFTER_HEAL_MS;
      const window = samples.filter((s) => s.time >= start.time && s.time <= end);
      const before = [...samples].reverse().find((s) => s.time <= start.time);
      const leaders = new Map((before?.partitions ?? []).map((p) => [`${p.topic}-${p.partition}`, p.leader]));
      const changed = new Set<string>();
      let minIsr: number | undefined;
      let maxUnder = 0;
      const lost = new Set<number>();
      const all = new Set(before?.liveBrokers ?? []);
      for (const s of window) {
        let under = 0;
        for (const p of s.partitions) {
          const key = `${p.topic}-${p.partition}`;
          if (leaders.has(key) && leaders.get(key) !== p.leader) changed.add(key);
          minIsr = minIsr === undefined ? p.isr.length : Math.min(minIsr, p.isr.length);
          if (p.isr.length < p.replicas.length) under++;
        }
        maxUnder = Math.max(maxUnder, under);
        for (const b of all) if (!s.liveBrokers.includes(b)) lost.add(b);
      }
      const restored =
        healedAt === undefined ? undefined : samples.find((s) => s.time >= healedAt && s.partitions.every((p) => p.isr.length === p.replicas.length));
      return {
        index,
        name: start.name,
        ...(start.target === undefined ? {} : { target: start.target }),
        leaderChanges: changed.size,
        minIsr,
        maxUnderReplicated: maxUnder,
        brokersLost: [...lost].sort((a, b) => a - b),
        isrRestoredAfterHealSeconds: restored === undefined || healedAt === undefined ? undefined : (restored.time - healedAt) / 1000,
      };
    });
}

export function describeEffect(e: FaultEffect): string {
  const parts = [
    e.leaderChanges > 0 ? `${e.leaderChanges} leader change${e.leaderChanges === 1 ? '' : 's'}` : 'no leader change',
    e.brokersLost.length > 0 ? `broker${e.brokersLost.length === 1 ? '' : 's'} ${e.brokersLost.join(', ')} left the cluster` : undefined,
    e.maxUnderReplicated > 0 ? `up to ${e.maxUnderReplicated} partitions under-replicated (smallest ISR ${e.minIsr})` : 'ISR stayed full',
    e.isrRestoredAfterHealSeconds === undefined ? undefined : `every ISR full ${e.isrRestoredAfterHealSeconds.toFixed(1)} s after the heal`,
  ];
  return parts.filter(Boolean).join(', ');
}
