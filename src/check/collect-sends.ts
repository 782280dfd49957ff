import { parseRecordId, type HistoryEntry } from '../history/types.js';

/** What became of a sent record, from its batch's completion: `ok`, `fail`, or `info` / no completion at all. */
export type SendOutcome = 'acked' | 'failed' | 'indeterminate';

/** One distinct sent id, as the exactly-once checker needs it. */
export interface SentId {
  key: string;
  crc: number;
  outcome: SendOutcome;
  /** From the id (`<process>:<seq>`); undefined when the id is malformed (then it takes no part in order checks). */
  process: string | undefined;
  seq: number;
}

export interface Sends {
  /** Every distinct id sent to the input topic(s), in the order first sent. */
  ids: Map<string, SentId>;
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
  const sends: Sends = { ids: new Map(), sent: 0, acked: 0, failed: 0, indeterminate: 0 };
  for (const entry of history) {
    if (entry.type !== 'send' || entry.phase !== 'invoke' || !inputTopics.has(entry.topic)) continue;
    const outcome = completions.get(batchKey(entry.process, entry.batch)) ?? 'indeterminate';
    for (const record of entry.records) {
      sends.sent++;
      sends[outcome]++;
      const known = sends.ids.get(record.id);
      if (known !== undefined) {
        known.outcome = stronger(known.outcome, outcome);
        continue;
      }
      const parsed = parseRecordId(record.id);
      sends.ids.set(record.id, { key: record.key, crc: record.crc, outcome, process: parsed?.process, seq: parsed?.seq ?? -1 });
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
