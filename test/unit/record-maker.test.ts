import { crc32 } from 'node:zlib';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/util/random.js';
import { HEADER_CRC, HEADER_ID, HEADER_SENT } from '../../src/workload/headers.js';
import { byPartition, RecordMaker } from '../../src/workload/record-maker.js';

describe('RecordMaker', () => {
  it("draws keys from its random stream and hashes them to the partition Kafka's Java client would pick", () => {
    const maker = new RecordMaker('p', 'orders', 6, 50, 16, new Random(7));
    const random = new Random(7);
    const java = kafkajs.Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
    for (let i = 0; i < 200; i++) {
      const key = `k${random.int(50)}`;
      expect(maker.key()).toEqual({ key, partition: java({ topic: 'orders', partitionMetadata, message: { key, value: null } }) });
    }
  });

  it('numbers the records of its process, each value unlike the others, with its checksum', () => {
    const maker = new RecordMaker('orders-producer', 'orders', 6, 50, 32, new Random(1));
    const records = Array.from({ length: 1000 }, () => {
      const { key, partition } = maker.key();
      return maker.record(key, partition);
    });
    expect(records.slice(0, 2).map((r) => r.id)).toEqual(['orders-producer:0', 'orders-producer:1']);
    expect(new Set(records.map((r) => r.value.toString('hex'))).size).toBe(1000);
    for (const [seq, r] of records.entries()) {
      expect(r.value.length).toBe(32);
      expect(r.value.readUIntBE(0, 6)).toBe(seq);
      expect(r.crc).toBe(crc32(r.value));
    }
  });
});

describe('byPartition', () => {
  it('groups records by partition in the order offered, with the id, send time and checksum headers (and the id again under a second header)', () => {
    const maker = new RecordMaker('p', 't', 3, 10, 8, new Random(3));
    const pending = Array.from({ length: 30 }, () => {
      const { key, partition } = maker.key();
      return maker.record(key, partition);
    });
    const groups = byPartition(pending, 1234, 'x-id');
    expect([...groups.values()].flatMap((g) => g.records).length).toBe(30);
    for (const [partition, group] of groups) {
      const mine = pending.filter((r) => r.partition === partition);
      expect(group.records).toEqual(mine.map((r) => ({ id: r.id, key: r.key, crc: r.crc })));
      expect(group.messages.map((m) => m.partition)).toEqual(mine.map(() => partition));
      expect(group.messages[0]?.headers).toEqual({ [HEADER_ID]: mine[0]?.id, [HEADER_SENT]: '1234', [HEADER_CRC]: String(mine[0]?.crc), 'x-id': mine[0]?.id });
    }
    expect(byPartition(pending.slice(0, 1), 1, HEADER_ID).get(pending[0]!.partition)?.messages[0]?.headers).not.toHaveProperty('x-id');
  });
});
