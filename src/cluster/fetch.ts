import { committedRecords, decodeBatches, type FetchedRecord } from './records.js';
import { request } from './wire.js';
import { Reader, Writer } from './wire-buffers.js';

const FETCH = 1;
const VERSION = 4; // read_committed with aborted transactions, message format v2; Kafka 0.11 through 4.x answer it

export interface PartitionFetch {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  /** Committed records from the fetch offset on, in offset order. */
  records: FetchedRecord[];
  /** Where the next fetch of this partition starts (the fetch offset when nothing came). */
  nextOffset: number;
}

/**
 * One read_committed Fetch from the broker at `hostPort` (which must lead the partitions) of
 * `topic`'s partitions from their offsets, waiting at most `maxWaitMs` for data. Answers
 * within `timeoutMs` or rejects. Aborted transactions are filtered out as a Java consumer
 * would; control records are skipped.
 */
export async function fetchCommitted(
  hostPort: string,
  topic: string,
  partitions: readonly { partition: number; offset: number }[],
  maxWaitMs: number,
  timeoutMs: number,
): Promise<PartitionFetch[]> {
  const body = new Writer()
    .int32(-1) // replica_id: a consumer
    .int32(maxWaitMs)
    .int32(1) // min_bytes
    .int32(16 * 1024 * 1024) // max_bytes
    .int8(1) // isolation_level: read_committed
    .array([topic], (w, t) =>
      w.string(t).array(partitions, (pw, p) =>
        pw
          .int32(p.partition)
          .int64(p.offset)
          .int32(1024 * 1024),
      ),
    )
    .buffer();
  const r = new Reader(await request(hostPort, FETCH, VERSION, body, timeoutMs));
  r.int32(); // throttle_time_ms
  const out: PartitionFetch[] = [];
  const offsets = new Map(partitions.map((p) => [p.partition, p.offset]));
  r.array((t) => {
    t.string();
    t.array((p) => {
      const partition = p.int32();
      const errorCode = p.int16();
      const highWatermark = p.int64();
      const lastStableOffset = p.int64();
      const aborted = p.array((a) => ({ producerId: a.int64(), firstOffset: a.int64() })); // null (-1) reads as none
      const data = p.bytes();
      const from = offsets.get(partition) ?? 0;
      const batches = data === null || errorCode !== 0 ? [] : decodeBatches(data);
      const records = committedRecords(batches, aborted).filter((x) => x.offset >= from);
      const last = batches.at(-1);
      out.push({ partition, errorCode, highWatermark, lastStableOffset, records, nextOffset: last === undefined ? from : Math.max(from, last.nextOffset) });
      return undefined;
    });
    return undefined;
  });
  return out;
}
