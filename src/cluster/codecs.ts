import kafkajs from 'kafkajs';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';

/**
 * kafkajs only speaks gzip out of the box, but a topic with `compression.type: lz4` or
 * `snappy` makes the broker store (and serve) batches in that codec, which kafkajs then
 * cannot read ("LZ4 compression not implemented"). These pure-JavaScript codecs fill the gap.
 * Registration is global to kafkajs and idempotent. zstd is not covered yet.
 */
let registered = false;

export function registerCodecs(): void {
  if (registered) return;
  const { CompressionCodecs, CompressionTypes } = kafkajs; // kafkajs is CommonJS: Node's ESM loader does not see these as named exports
  registered = true;
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => Buffer.from(lz4.compress(encoder.buffer)),
    decompress: async (buffer: Buffer) => Buffer.from(lz4.decompress(buffer)),
  });
  CompressionCodecs[CompressionTypes.Snappy] = () => ({
    compress: async (encoder: { buffer: Buffer }) => Buffer.from(snappy.compress(encoder.buffer)),
    decompress: async (buffer: Buffer) => decompressSnappy(buffer),
  });
}

// The Java client frames snappy data the way snappy-java's SnappyOutputStream does:
// a 16-byte header, then chunks of [int32 length][snappy block].
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

export function decompressSnappy(buffer: Buffer): Buffer {
  if (buffer.length < 16 || !buffer.subarray(0, 8).equals(XERIAL_MAGIC)) return Buffer.from(snappy.uncompress(buffer));
  const chunks: Buffer[] = [];
  for (let at = 16; at < buffer.length; ) {
    const size = buffer.readInt32BE(at);
    chunks.push(Buffer.from(snappy.uncompress(buffer.subarray(at + 4, at + 4 + size))));
    at += 4 + size;
  }
  return Buffer.concat(chunks);
}
