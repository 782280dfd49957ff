import type { HistoryEntry, SendComplete, SendInvoke } from '../history/types.js';
import { coveredRange } from './send-outcomes.js';

/** What the load's sends did over time: acknowledgements and errors, and when each id was sent. */
export interface Sends {
  /** Acknowledged batches: completion time and record count, in time order. */
  acks: { time: number; count: number }[];
  /** Batches that failed or whose outcome is unknown. */
  errors: { time: number; count: number }[];
  /** Send (invoke) time of every record id, by id. */
  sentAt: Map<string, number>;
  acked: Set<string>;
  totalAcked: number;
  totalErrors: number;
  firstInvoke?: number;
  lastComplete?: number;
}

export function collectSendTimes(history: readonly HistoryEntry[]): Sends {
  const invokes = new Map<string, SendInvoke>();
  const result: Sends = { acks: [], errors: [], sentAt: new Map(), acked: new Set(), totalAcked: 0, totalErrors: 0 };
  for (const e of history) {
    if (e.type !== 'send') continue;
    if (e.phase === 'invoke') {
      invokes.set(`${e.process}\u0000${e.batch}`, e);
      for (const r of e.records) if (!result.sentAt.has(r.id)) result.sentAt.set(r.id, e.time);
      result.firstInvoke = Math.min(result.firstInvoke ?? e.time, e.time);
      continue;
    }
    const c: SendComplete = e;
    const invoke = invokes.get(`${c.process}\u0000${c.batch}`);
    const [start, end] = coveredRange(c, invoke?.records.length ?? 0);
    const count = end - start;
    result.lastComplete = Math.max(result.lastComplete ?? c.time, c.time);
    if (c.phase === 'ok') {
      result.acks.push({ time: c.time, count });
      result.totalAcked += count;
      for (let i = start; i < end; i++) result.acked.add(invoke!.records[i]!.id);
    } else {
      result.errors.push({ time: c.time, count });
      result.totalErrors += count;
    }
  }
  result.acks.sort((a, b) => a.time - b.time);
  result.errors.sort((a, b) => a.time - b.time);
  return result;
}
