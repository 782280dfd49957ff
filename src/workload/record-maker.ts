import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import kafkajs, { type Message, type PartitionMetadata } from 'kafkajs';
import type { SentRecord } from '../history/types.js';
import type { Random } from '../util/random.js';
import { HEADER_CRC, HEADER_ID, HEADER_SENT } from './headers.js';

/** Random bytes that record values are cut from. */
const PAYLOAD_POOL_BYTES = 1 << 20;

/** A record made and queued, not sent yet. */
export interface Pending {
  id: string;
  key: string;
  /** The partition its key hashes to (hashed once, when offered). */
  partition: number;
  value: Buffer;
  crc: number;
}

/** One request's worth of records for one partition: what the History records, and what is sent. */
export interface PartitionRequest {
  records: SentRecord[];
  messages: Message[];
}

/**
 * Makes the records of one load generator instance: keys drawn from its random stream and
 * hashed to their partition as Kafka's Java client would (kafkajs's default, murmur2,
 * partitioner), ids `<process>:<seq>`, values cut from a random pool, each with its checksum.
 */
export class RecordMaker {
  private seq = 0;
  private readonly partitioner = kafkajs.Partitioners.DefaultPartitioner();
  private readonly partitionMetadata: PartitionMetadata[];
  private pool: Buffer | undefined;

  constructor(
    private readonly process: string,
    private readonly topic: string,
    /** How many partitions `topic` has. */
    partitions: number,
    private readonly keys: number,
    private readonly payloadBytes: number,
    private readonly random: Random,
  ) {
    this.partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
  }

  /** The next key, and the partition it hashes to (a draw from the random stream, whether or not a record is then made). */
  key(): { key: string; partition: number } {
    const key = `k${this.random.int(this.keys)}`;
    return { key, partition: this.partitionOf(key) };
  }

  /** A record for that key: the next id of this process and its value. */
  record(key: string, partition: number): Pending {
    const seq = this.seq++;
    const value = this.payload(seq);
    return { id: `${this.process}:${seq}`, key, partition, value, crc: crc32(value) };
  }

  /**
   * A record's value: random bytes from a pool made once (crypto's randomBytes per record was
   * the generator's largest cost), at an offset that moves with the sequence number, which is
   * also written in its first 6 bytes (when it has them) so that no two values of this producer are alike.
   */
  private payload(seq: number): Buffer {
    const n = this.payloadBytes;
    this.pool ??= randomBytes(PAYLOAD_POOL_BYTES + n);
    const value = Buffer.allocUnsafe(n);
    const at = (seq * 7919) % PAYLOAD_POOL_BYTES;
    this.pool.copy(value, 0, at, at + n);
    if (n >= 6) value.writeUIntBE(seq % 2 ** 48, 0, 6);
    return value;
  }

  /** The partition kafkajs's default (Java-compatible, murmur2) partitioner gives this key. */
  private partitionOf(key: string): number {
    return this.partitioner({ topic: this.topic, partitionMetadata: this.partitionMetadata, message: { key, value: null } });
  }
}

/**
 * Records grouped by partition, in the order offered, as the messages to send (headers: id,
 * send time, checksum, and the id again under `alsoIdHeader` when given) and the records the
 * History notes.
 */
export function byPartition(pending: readonly Pending[], sentAt: number, alsoIdHeader?: string): Map<number, PartitionRequest> {
  const sent = String(sentAt);
  const groups = new Map<number, PartitionRequest>();
  for (const r of pending) {
    const partition = r.partition;
    const group = groups.get(partition) ?? groups.set(partition, { records: [], messages: [] }).get(partition)!;
    group.records.push({ id: r.id, key: r.key, crc: r.crc });
    const headers: Record<string, string> = { [HEADER_ID]: r.id, [HEADER_SENT]: sent, [HEADER_CRC]: String(r.crc) };
    if (alsoIdHeader !== undefined && alsoIdHeader !== HEADER_ID) headers[alsoIdHeader] = r.id;
    group.messages.push({ key: r.key, value: r.value, partition, headers });
  }
  return groups;
}
