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
  /** How many times each sent id appears in the output, by its id number (Sends). */
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
  const copies = new Uint32Array(sends.count);
  const { byId, crc, group: groupOf, seq: seqOf } = sends;
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
      const id = record.id;
      const sent = id === undefined ? undefined : byId.get(id);
      if (id === undefined || sent === undefined) {
        unexpectedCount++;
        unexpected.push(id ?? `(no id) at ${partition}@${record.offset}`);
        continue;
      }
      const before = copies[sent]!;
      copies[sent] = before + 1;
      if (record.crc !== crc[sent] && !corrupt.has(id)) {
        corrupt.add(id);
        corrupted.push(id);
      }
      const group = groupOf[sent]!;
      if (before > 0 || group < 0) continue;
      const seq = seqOf[sent]!;
      const first = walking[group] !== turn;
      if (!first && seq < highestSeq[group]!) {
        reorderedCount++;
        reordered.push({ key: sends.groupKeys[group]!, id, after: highestId[group]! });
      } else if (first || seq > highestSeq[group]!) {
        walking[group] = turn;
        highestSeq[group] = seq;
        highestId[group] = id;
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
