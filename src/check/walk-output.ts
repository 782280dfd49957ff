import type { Sends } from './collect-sends.js';
import type { OutputPartition } from './read-output.js';
import { Samples } from './samples.js';

export interface Reorder {
  key: string;
  id: string;
  /** The id of the same process and key, sent later, that the output has before `id`. */
  after: string;
}

export interface OutputWalk {
  /** How many times each sent id appears in the output, by SentId.index. */
  copies: Uint32Array;
  unexpected: number;
  unexpectedSamples: string[];
  /** Distinct ids with at least one copy whose CRC differs from the one sent. */
  corrupted: number;
  corruptedSamples: string[];
  /** Distinct ids whose first copy comes after a later-sent id of the same process and key. */
  reordered: number;
  reorderedSamples: Reorder[];
}

/**
 * One pass over the output in (partition, offset) order. Order is checked per partition only
 * (order across partitions is not defined), between first copies of ids of the same process
 * and key: an id whose seq is below the highest already seen there is reordered. A record with
 * no id, or an id never sent, is unexpected (counted per record).
 */
export function walkOutput(partitions: readonly OutputPartition[], sends: Sends, samples: number): OutputWalk {
  const copies = new Uint32Array(sends.list.length);
  const corrupt = new Set<string>();
  const unexpected = new Samples<string>(samples);
  const corrupted = new Samples<string>(samples);
  const reordered = new Samples<Reorder>(samples);
  let unexpectedCount = 0;
  let reorderedCount = 0;
  // Per (process, key) group: the highest seq seen so far in the partition being walked, and
  // its id; valid only where `walking[group]` is that partition's turn (no reset between partitions).
  const walking = new Int32Array(sends.groups).fill(-1);
  const highestSeq = new Float64Array(sends.groups);
  const highestId: string[] = new Array<string>(sends.groups);
  partitions.forEach(({ partition, records }, turn) => {
    for (const record of records) {
      const sent = record.id === undefined ? undefined : sends.byId.get(record.id);
      if (record.id === undefined || sent === undefined) {
        unexpectedCount++;
        unexpected.push(record.id ?? `(no id) at ${partition}@${record.offset}`);
        continue;
      }
      const before = copies[sent.index]!;
      copies[sent.index] = before + 1;
      if (record.crc !== sent.crc && !corrupt.has(record.id)) {
        corrupt.add(record.id);
        corrupted.push(record.id);
      }
      const group = sent.group;
      if (before > 0 || group < 0) continue;
      const first = walking[group] !== turn;
      if (!first && sent.seq < highestSeq[group]!) {
        reorderedCount++;
        reordered.push({ key: sent.key, id: record.id, after: highestId[group]! });
      } else if (first || sent.seq > highestSeq[group]!) {
        walking[group] = turn;
        highestSeq[group] = sent.seq;
        highestId[group] = record.id;
      }
    }
  });
  return {
    copies,
    unexpected: unexpectedCount,
    unexpectedSamples: unexpected.items,
    corrupted: corrupt.size,
    corruptedSamples: corrupted.items,
    reordered: reorderedCount,
    reorderedSamples: reordered.items,
  };
}
