import type { SentId } from './collect-sends.js';
import type { OutputPartition } from './read-output.js';
import { Samples } from './samples.js';

export interface Reorder {
  key: string;
  id: string;
  /** The id of the same process and key, sent later, that the output has before `id`. */
  after: string;
}

export interface OutputWalk {
  /** How many times each sent id appears in the output. */
  seen: Map<string, number>;
  unexpected: number;
  unexpectedSamples: string[];
  /** Distinct ids with at least one copy whose CRC differs from the one sent. */
  corrupted: number;
  corruptedSamples: string[];
  /** Distinct ids whose first copy comes after a later-sent id of the same process and key. */
  reordered: number;
  reorderedSamples: Reorder[];
}

/** The highest seq of a (partition, process, key) seen so far, and its id. */
interface Highest {
  seq: number;
  id: string;
}

/**
 * One pass over the output in (partition, offset) order. Order is checked per partition only
 * (order across partitions is not defined), between first copies of ids of the same process
 * and key: an id whose seq is below the highest already seen there is reordered. A record with
 * no id, or an id never sent, is unexpected (counted per record).
 */
export function walkOutput(partitions: readonly OutputPartition[], ids: ReadonlyMap<string, SentId>, samples: number): OutputWalk {
  const seen = new Map<string, number>();
  const corrupt = new Set<string>();
  const unexpected = new Samples<string>(samples);
  const corrupted = new Samples<string>(samples);
  const reordered = new Samples<Reorder>(samples);
  let unexpectedCount = 0;
  let reorderedCount = 0;
  for (const { partition, records } of partitions) {
    const highest = new Map<string, Highest>();
    for (const record of records) {
      const sent = record.id === undefined ? undefined : ids.get(record.id);
      if (record.id === undefined || sent === undefined) {
        unexpectedCount++;
        unexpected.push(record.id ?? `(no id) at ${partition}@${record.offset}`);
        continue;
      }
      const copies = seen.get(record.id) ?? 0;
      seen.set(record.id, copies + 1);
      if (record.crc !== sent.crc && !corrupt.has(record.id)) {
        corrupt.add(record.id);
        corrupted.push(record.id);
      }
      if (copies > 0 || sent.process === undefined) continue;
      const group = `${sent.process.length}:${sent.process}:${sent.key}`;
      const before = highest.get(group);
      if (before === undefined) {
        highest.set(group, { seq: sent.seq, id: record.id });
      } else if (sent.seq < before.seq) {
        reorderedCount++;
        reordered.push({ key: sent.key, id: record.id, after: before.id });
      } else {
        before.seq = sent.seq;
        before.id = record.id;
      }
    }
  }
  return {
    seen,
    unexpected: unexpectedCount,
    unexpectedSamples: unexpected.items,
    corrupted: corrupt.size,
    corruptedSamples: corrupted.items,
    reordered: reorderedCount,
    reorderedSamples: reordered.items,
  };
}
