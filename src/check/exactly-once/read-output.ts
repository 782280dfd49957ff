import type { HistoryEntry, ReadRecord } from '../../history/types.js';

export interface OutputPartition {
  partition: number;
  /** In offset order; a position read more than once with the same content appears once. */
  records: ReadRecord[];
}

export interface Output {
  /** Ascending by partition number. */
  partitions: OutputPartition[];
  /** Every record of every ReadEntry of the topic, re-reads and duplicates included. */
  read: number;
}

/**
 * The verifier's reads of `topic`, sorted by (partition, offset). Reading the same offset twice
 * (a verifier that restarted or re-fetched) is not a duplicate in the log, so a repeated
 * position with the same id and CRC is kept once; one whose content differs is kept twice,
 * so the anomaly it shows is not hidden. Already sorted input costs no sort.
 */
export function readOutput(history: readonly HistoryEntry[], topic: string): Output {
  // counted first, so each partition's array is made at its size once: grown by push, the
  // arrays of 10^7 records would be copied again and again (and the copies collected)
  const sizes = new Map<number, number>();
  for (const entry of history) {
    if (entry.type === 'read' && entry.topic === topic) sizes.set(entry.partition, (sizes.get(entry.partition) ?? 0) + entry.records.length);
  }
  const byPartition = new Map<number, { records: ReadRecord[]; filled: number }>();
  for (const [partition, size] of sizes) byPartition.set(partition, { records: new Array<ReadRecord>(size), filled: 0 });
  let read = 0;
  for (const entry of history) {
    if (entry.type !== 'read' || entry.topic !== topic) continue;
    const into = byPartition.get(entry.partition)!;
    for (const record of entry.records) into.records[into.filled++] = record;
    read += entry.records.length;
  }
  const partitions = [...byPartition.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, { records }]) => ({ partition, records: withoutRereads(sortedByOffset(records)) }));
  return { partitions, read };
}

function sortedByOffset(records: ReadRecord[]): ReadRecord[] {
  for (let i = 1; i < records.length; i++) {
    if (records[i]!.offset < records[i - 1]!.offset) return records.sort((a, b) => a.offset - b.offset);
  }
  return records;
}

function withoutRereads(records: ReadRecord[]): ReadRecord[] {
  if (!hasReread(records)) return records; // the usual case: no copy
  const kept: ReadRecord[] = [];
  for (const record of records) {
    const last = kept[kept.length - 1];
    if (last !== undefined && last.offset === record.offset && last.id === record.id && last.crc === record.crc) continue;
    kept.push(record);
  }
  return kept;
}

function hasReread(records: readonly ReadRecord[]): boolean {
  for (let i = 1; i < records.length; i++) {
    const a = records[i - 1]!;
    const b = records[i]!;
    if (a.offset === b.offset && a.id === b.id && a.crc === b.crc) return true;
  }
  return false;
}
