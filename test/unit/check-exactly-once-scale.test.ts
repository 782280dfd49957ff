import { describe, expect, it } from 'vitest';
import { checkExactlyOnce } from '../../src/check/exactly-once/checker.js';
import type { HistoryEntry, ReadRecord } from '../../src/history/types.js';

/** A clean run of 10^6 records: 4 producers, 1000 keys, batches of 100, 12 partitions read in chunks of 500. */
function bigHistory(): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  const partitions: ReadRecord[][] = Array.from({ length: 12 }, () => []);
  for (let p = 0; p < 4; p++) {
    const process = `producer-${p}`;
    for (let batch = 0; batch < 2500; batch++) {
      const records = Array.from({ length: 100 }, (_, i) => {
        const seq = batch * 100 + i;
        return { id: `${process}:${seq}`, key: `key-${(seq * 7 + p) % 1000}`, crc: (seq * 2654435761) >>> 0 };
      });
      history.push({ type: 'send', phase: 'invoke', time: 0, process, batch, topic: 'orders', records });
      history.push({ type: 'send', phase: 'ok', time: 0, process, batch });
      for (const r of records) {
        const out = partitions[Number(r.key.slice(4)) % 12]!;
        out.push({ ...r, offset: out.length });
      }
    }
  }
  partitions.forEach((records, partition) => {
    for (let i = 0; i < records.length; i += 500) history.push({ type: 'read', time: 0, topic: 'orders', partition, records: records.slice(i, i + 500) });
  });
  history.push({ type: 'read-done', time: 0, topic: 'orders', endOffsets: {}, complete: true });
  return history;
}

describe('checkExactlyOnce at scale', () => {
  // how fast: `npm run bench` (bench/verifier.mjs), never a timed test
  it('checks 10^6 records of a clean run and finds nothing wrong', () => {
    const r = checkExactlyOnce(bigHistory(), { inputTopic: 'orders', outputTopic: 'orders', orderedPerKey: true });
    expect(r).toMatchObject({ pass: true, sent: 1_000_000, acked: 1_000_000, read: 1_000_000, reordered: 0, lost: 0, duplicated: 0 });
  }, 60_000);
});
