import { gunzipSync } from 'node:zlib';
import * as lz4 from 'lz4js';
import { decompressSnappy } from './codecs.js';

/** One record of a fetched batch: its offset and its headers (values as UTF-8 text). */
export interface FetchedRecord {
  offset: number;
  headers: Record<string, string>;
}

/** A record batch (message format v2) as read from a Fetch response. */
export interface RecordBatch {
  baseOffset: number;
  /** The offset after this batch: where the next fetch starts. */
  nextOffset: number;
  producerId: number;
  transactional: boolean;
  control: boolean;
  /** For a control batch: true for an abort marker, false for a commit marker. */
  abort: boolean;
  records: FetchedRecord[];
}

/**
 * Decodes the record batches of one partition in a Fetch response (message format v2, the only
 * one Kafka 3+ writes). A batch cut short at the end (the broker fills up to the byte limit)
 * is left out: the next fetch starts at it. Compression: gzip, snappy, lz4; zstd is refused.
 */
export function decodeBatches(data: Buffer): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let at = 0;
  while (at + 12 <= data.length) {
    const baseOffset = Number(data.readBigInt64BE(at));
    const length = data.readInt32BE(at + 8);
    if (at + 12 + length > data.length) break; // partial batch
    const b = data.subarray(at, at + 12 + length);
    at += 12 + length;
    const magic = b.readInt8(16);
    if (magic !== 2) throw new Error(`record batch at offset ${baseOffset} has message format v${magic}; only v2 is read`);
    const attributes = b.readInt16BE(21);
    const lastOffsetDelta = b.readInt32BE(23);
    const producerId = Number(b.readBigInt64BE(43));
    const count = b.readInt32BE(57);
    const codec = attributes & 0x07;
    const control = (attributes & 0x20) !== 0;
    const body = decompress(codec, b.subarray(61));
    const records = readRecords(body, count, baseOffset);
    // a control record's key: version int16, type int16 (0 abort, 1 commit)
    const abort = control && records.length > 0 && controlType(body) === 0;
    batches.push({
      baseOffset,
      nextOffset: baseOffset + lastOffsetDelta + 1,
      producerId,
      transactional: (attributes & 0x10) !== 0,
      control,
      abort,
      records: control ? [] : records,
    });
  }
  return batches;
}

function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return gunzipSync(data);
    case 2:
      return decompressSnappy(data);
    case 3:
      return Buffer.from(lz4.decompress(data));
    default:
      throw new Error(`record batch compressed with codec ${codec} (zstd), which streamchaos cannot read`);
  }
}

class Cursor {
  at = 0;
  constructor(readonly buf: Buffer) {}
  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf.readUInt8(this.at++);
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    // zigzag
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }
  bytes(n: number): Buffer {
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}

function readRecords(body: Buffer, count: number, baseOffset: number): FetchedRecord[] {
  const c = new Cursor(body);
  const out: FetchedRecord[] = [];
  for (let i = 0; i < count && c.at < body.length; i++) {
    const length = c.varint();
    const end = c.at + length;
    c.at += 1; // attributes
    c.varint(); // timestamp delta
    const offsetDelta = c.varint();
    const keyLength = c.varint();
    if (keyLength > 0) c.at += keyLength;
    const valueLength = c.varint();
    if (valueLength > 0) c.at += valueLength;
    const headers: Record<string, string> = {};
    const n = c.varint();
    for (let h = 0; h < n; h++) {
      const key = c.bytes(c.varint()).toString('utf8');
      const valueLen = c.varint();
      headers[key] = valueLen < 0 ? '' : c.bytes(valueLen).toString('utf8');
    }
    c.at = end;
    out.push({ offset: baseOffset + offsetDelta, headers });
  }
  return out;
}

/** The type of the first control record in a control batch's records: 0 abort, 1 commit. */
function controlType(body: Buffer): number {
  const c = new Cursor(body);
  c.varint(); // length
  c.at += 1; // attributes
  c.varint(); // timestamp delta
  c.varint(); // offset delta
  const keyLength = c.varint();
  if (keyLength < 4) return -1;
  return body.readInt16BE(c.at + 2);
}

/**
 * Filters the batches of a read_committed fetch: drops data batches of transactions the broker
 * listed as aborted (from their first offset up to that producer's abort marker), and control
 * batches. `aborted` comes from the Fetch response, sorted or not.
 */
export function committedRecords(batches: readonly RecordBatch[], aborted: readonly { producerId: number; firstOffset: number }[]): FetchedRecord[] {
  const pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedNow = new Set<number>();
  const out: FetchedRecord[] = [];
  for (const batch of batches) {
    while (pending.length > 0 && pending[0]!.firstOffset <= batch.nextOffset - 1) abortedNow.add(pending.shift()!.producerId);
    if (batch.control) {
      if (batch.abort) abortedNow.delete(batch.producerId);
      continue;
    }
    if (batch.transactional && abortedNow.has(batch.producerId)) continue;
    out.push(...batch.records);
  }
  return out;
}
