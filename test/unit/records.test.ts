import { describe, expect, it } from 'vitest';
import { committedRecords, decodeBatches, type RecordBatch } from '../../src/cluster/records.js';

const batch = (baseOffset: number, n: number, over: Partial<RecordBatch> = {}): RecordBatch => ({
  baseOffset,
  nextOffset: baseOffset + n,
  producerId: -1,
  transactional: false,
  control: false,
  abort: false,
  records: Array.from({ length: n }, (_, i) => ({ offset: baseOffset + i, headers: { id: `r${baseOffset + i}` } })),
  ...over,
});
const ids = (records: { headers: Record<string, string> }[]): string[] => records.map((r) => r.headers.id!);

describe('read_committed filtering of fetched batches', () => {
  it('drops the batches of an aborted transaction up to its abort marker, keeps committed and plain ones', () => {
    const batches = [
      batch(0, 2), // plain
      batch(2, 2, { producerId: 7, transactional: true }), // aborted below
      batch(4, 2, { producerId: 8, transactional: true }), // committed
      batch(6, 1, { producerId: 7, transactional: true, control: true, abort: true, records: [] }),
      batch(7, 1, { producerId: 8, transactional: true, control: true, abort: false, records: [] }),
      batch(8, 2, { producerId: 7, transactional: true }), // the same producer's next transaction, committed
    ];
    expect(ids(committedRecords(batches, [{ producerId: 7, firstOffset: 2 }]))).toEqual(['r0', 'r1', 'r4', 'r5', 'r8', 'r9']);
  });

  it('with no aborted transactions listed, every data batch counts and control batches never do', () => {
    const batches = [batch(0, 1, { producerId: 3, transactional: true }), batch(1, 1, { producerId: 3, transactional: true, control: true, records: [] })];
    expect(ids(committedRecords(batches, []))).toEqual(['r0']);
  });

  it('an aborted transaction starting after a batch does not drop it', () => {
    const batches = [
      batch(0, 2, { producerId: 5, transactional: true }),
      batch(2, 1, { producerId: 5, transactional: true, control: true, abort: false, records: [] }),
      batch(3, 2, { producerId: 5, transactional: true }),
    ];
    expect(ids(committedRecords(batches, [{ producerId: 5, firstOffset: 3 }]))).toEqual(['r0', 'r1']);
  });
});

describe('record batch decoding', () => {
  it('leaves out a batch cut short at the end of the response, and refuses zstd by name', () => {
    const header = Buffer.alloc(12);
    header.writeBigInt64BE(0n, 0);
    header.writeInt32BE(500, 8); // claims 500 bytes that are not there
    expect(decodeBatches(header)).toEqual([]);
    const zstd = Buffer.alloc(61);
    zstd.writeInt32BE(49, 8);
    zstd.writeInt8(2, 16);
    zstd.writeInt16BE(4, 21); // codec 4: zstd
    expect(() => decodeBatches(zstd)).toThrow(/zstd/);
  });
});
