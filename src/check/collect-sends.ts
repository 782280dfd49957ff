import type { HistoryEntry } from '../history/types.js';
import { IdIndex } from './id-index.js';
import { orderOf } from './order-of.js';

/** What became of a sent record, from its batch's completion: `ok`, `fail`, or `info` / no completion at all. */
export type SendOutcome = 'acked' | 'failed' | 'indeterminate';

/** One distinct sent id, as the exactly-once checker needs it. */
export interface SentId {
  id: string;
  /** Its place in Sends.list: an index into per-id arrays. */
  index: number;
  key: string;
  crc: number;
  outcome: SendOutcome;
  /** Number of its (process, key) pair, -1 when the id is malformed (then it takes no part in order checks). */
  group: number;
  seq: number;
}

export interface Sends {
  /** Every distinct id sent to the input topic(s), in the order first sent. */
  list: SentId[];
  /** The same, by id. */
  byId: IdIndex<SentId>;
  /** How many (process, key) pairs: group numbers are below this. */
  groups: number;
  /** Counted per record invoked (an id sent twice counts twice); acked + failed + indeterminate = sent. */
  sent: number;
  acked: number;
  failed: number;
  indeterminate: number;
}

const RANK: Record<SendOutcome, number> = { failed: 0, indeterminate: 1, acked: 2 };
const OUTCOME = { ok: 'acked', fail: 'failed', info: 'indeterminate' } as const;

/**
 * The records sent to `inputTopics`, each with its batch's outcome. A batch invoked and never
 * completed (the producer crashed, or the run ended first) is indeterminate. Should an id be
 * sent more than once (an application-level retry), it keeps its strongest outcome:
 * acked over indeterminate over failed, and the key and CRC of its first send. Completions
 * of batches on other topics (e.g. a processor's own sends to the output) are ignored.
 */
export function collectSends(history: readonly HistoryEntry[], inputTopics: ReadonlySet<string>): Sends {
  const completions = new Map<string, SendOutcome>();
  for (const entry of history) {
    if (entry.type !== 'send' || entry.phase === 'invoke') continue;
    const batch = batchKey(entry.process, entry.batch);
    completions.set(batch, stronger(completions.get(batch), OUTCOME[entry.phase]));
  }
  const sends: Sends = { list: [], byId: new IdIndex(), groups: 0, sent: 0, acked: 0, failed: 0, indeterminate: 0 };
  const groups = new Map<string, Map<string, number>>();
  for (const entry of history) {
    if (entry.type !== 'send' || entry.phase !== 'invoke' || !inputTopics.has(entry.topic)) continue;
    const outcome = completions.get(batchKey(entry.process, entry.batch)) ?? 'indeterminate';
    for (const record of entry.records) {
      sends.sent++;
      sends[outcome]++;
      const known = sends.byId.get(record.id);
      if (known !== undefined) {
        known.outcome = stronger(known.outcome, outcome);
        continue;
      }
      const order = orderOf(record.id, entry.process);
      let group = -1;
      if (order !== undefined) {
        let byKey = groups.get(order.process);
        if (byKey === undefined) groups.set(order.process, (byKey = new Map()));
        group = byKey.get(record.key) ?? sends.groups++;
        byKey.set(record.key, group);
      }
      const sent: SentId = { id: record.id, index: sends.list.length, key: record.key, crc: record.crc, outcome, group, seq: order?.seq ?? -1 };
      sends.list.push(sent);
      sends.byId.set(record.id, sent);
    }
  }
  return sends;
}

function batchKey(process: string, batch: number): string {
  return `${batch}:${process}`;
}

function stronger(a: SendOutcome | undefined, b: SendOutcome): SendOutcome {
  return a !== undefined && RANK[a] > RANK[b] ? a : b;
}
