import { parseRecordId, type HistoryEntry } from '../../history/types.js';
import { ACKED, FAILED, SendOutcomes } from '../send-outcomes.js';
import { IdIndex } from './id-index.js';

export { ACKED, FAILED, INDETERMINATE } from '../send-outcomes.js';

/**
 * Every distinct id sent to the input topic(s), in the order first sent, as columns: the
 * distinct id number `i` (its place in send order) indexes each array. Columns, not an
 * object per id: at 10^7 ids an object each costs gigabytes and most of the time in GC.
 */
export interface Sends {
  /** How many distinct ids: the length that counts in each column. */
  count: number;
  /** Each id (the history's own string, not a copy). */
  ids: string[];
  /** CRC-32 of its first send. */
  crc: Uint32Array;
  /** FAILED, INDETERMINATE or ACKED: the strongest over its sends. */
  outcome: Uint8Array;
  /** Number of its (process, key) pair, -1 when the id is malformed (then it takes no part in order checks). */
  group: Int32Array;
  /** Its seq within its process, -1 when malformed. */
  seq: Float64Array;
  /** Id number by id. */
  byId: IdIndex;
  /** How many (process, key) pairs: group numbers are below this. */
  groups: number;
  /** The key of each (process, key) pair, by group number. */
  groupKeys: string[];
  /** Counted per record invoked (an id sent twice counts twice); acked + failed + indeterminate = sent. */
  sent: number;
  acked: number;
  failed: number;
  indeterminate: number;
}

/**
 * The records sent to `inputTopics`, each with its outcome (SendOutcomes: a record no
 * completion covers is indeterminate). Should an id be
 * sent more than once (an application-level retry), it keeps its strongest outcome:
 * acked over indeterminate over failed, and the key and CRC of its first send. Completions
 * of batches on other topics (e.g. a processor's own sends to the output) are ignored.
 */
export function collectSends(history: readonly HistoryEntry[], inputTopics: ReadonlySet<string>): Sends {
  const completions = SendOutcomes.of(history);
  let invoked = 0;
  for (const entry of history) if (entry.type === 'send' && entry.phase === 'invoke' && inputTopics.has(entry.topic)) invoked += entry.records.length;
  const sends: Sends = {
    count: 0,
    ids: new Array<string>(invoked), // sized once: growing it would copy it again and again
    crc: new Uint32Array(invoked),
    outcome: new Uint8Array(invoked),
    group: new Int32Array(invoked),
    seq: new Float64Array(invoked),
    byId: new IdIndex(),
    groups: 0,
    groupKeys: [],
    sent: 0,
    acked: 0,
    failed: 0,
    indeterminate: 0,
  };
  const groups = new Map<string, Map<string, number>>();
  const keysOf = (process: string): Map<string, number> => {
    let keys = groups.get(process);
    if (keys === undefined) {
      keys = new Map();
      groups.set(process, keys);
    }
    return keys;
  };
  /** Key maps by the index's process number: the same maps as `groups` has for those names. */
  const keysByNumber: Map<string, number>[] = [];
  const { byId } = sends;
  for (const entry of history) {
    if (entry.type !== 'send' || entry.phase !== 'invoke' || !inputTopics.has(entry.topic)) continue;
    const records = entry.records;
    const outcomes = completions.batch(entry.process, entry.batch, records.length);
    sends.sent += records.length;
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      const outcome = typeof outcomes === 'number' ? outcomes : outcomes[r]!;
      if (outcome === ACKED) sends.acked++;
      else if (outcome === FAILED) sends.failed++;
      else sends.indeterminate++;
      const known = byId.claim(record.id, sends.count);
      if (known !== undefined) {
        if (outcome > sends.outcome[known]!) sends.outcome[known] = outcome;
        continue;
      }
      const i = sends.count++;
      sends.ids[i] = record.id;
      sends.crc[i] = record.crc;
      sends.outcome[i] = outcome;
      // the index has just parsed the id: its process and seq, unless the id is out of its form
      let keys: Map<string, number> | undefined;
      let seq = byId.lastSeq;
      const p = byId.lastProcess;
      if (p >= 0) {
        keys = keysByNumber[p] ??= keysOf(byId.processName(p));
      } else {
        const order = parseRecordId(record.id);
        if (order !== undefined) {
          keys = keysOf(order.process);
          seq = order.seq;
        }
      }
      if (keys === undefined) {
        sends.group[i] = -1;
        sends.seq[i] = -1;
        continue;
      }
      let group = keys.get(record.key);
      if (group === undefined) {
        group = sends.groups++;
        keys.set(record.key, group);
        sends.groupKeys.push(record.key);
      }
      sends.group[i] = group;
      sends.seq[i] = seq;
    }
  }
  return sends;
}
