import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import * as snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { decompressSnappy, registerCodecs } from '../../src/cluster/codecs.js';

const text = Buffer.from('orders-42 '.repeat(500));

describe('compression codecs for kafkajs', () => {
  it('registers LZ4 and Snappy, which kafkajs lacks, and round-trips through them', async () => {
    registerCodecs();
    for (const make of [CompressionCodecs[CompressionTypes.LZ4], CompressionCodecs[CompressionTypes.Snappy]]) {
      const codec = make();
      const packed = await codec.compress({ buffer: text } as never);
      expect(packed.length).toBeLessThan(text.length);
      expect(Buffer.compare(await codec.decompress(packed), text)).toBe(0);
    }
  });

  it('reads the xerial-framed snappy that the Java client writes', () => {
    const half = text.length / 2;
    const blocks = [text.subarray(0, half), text.subarray(half)].map((b) => Buffer.from(snappy.compress(b)));
    const header = Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]), Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
    const framed = Buffer.concat([header, ...blocks.flatMap((b) => [Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b])]);
    expect(Buffer.compare(decompressSnappy(framed), text)).toBe(0);
  });
});
