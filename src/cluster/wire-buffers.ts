/** Kafka's wire encoding: big-endian integers, length-prefixed strings and bytes, compact (flexible) forms. */

export class Writer {
  private readonly parts: Buffer[] = [];
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  int64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const s = Buffer.from(v, 'utf8');
    return this.int16(s.length).push(s);
  }
  /** Unsigned varint, as flexible versions use for lengths and tag counts. */
  uvarint(v: number): this {
    const bytes: number[] = [];
    let n = v >>> 0;
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(n);
    return this.push(Buffer.from(bytes));
  }
  compactString(v: string): this {
    const s = Buffer.from(v, 'utf8');
    return this.uvarint(s.length + 1).push(s);
  }
  compactArray<T>(items: readonly T[], each: (w: Writer, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }
  /** int32-length bytes. */
  bytes(v: Buffer): this {
    return this.int32(v.length).push(v);
  }
  array<T>(items: readonly T[] | null, each: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
}

export class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  int8(): number {
    return this.take(1).readInt8();
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    return this.take(2).readInt16BE();
  }
  int32(): number {
    return this.take(4).readInt32BE();
  }
  string(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.take(n).toString('utf8');
  }
  array<T>(each: (r: Reader) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }
  int64(): number {
    return Number(this.take(8).readBigInt64BE());
  }
  /** int32-length bytes; null when the length is -1. */
  bytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.take(n);
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.take(1).readUInt8();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
  }
  compactString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.take(n - 1).toString('utf8');
  }
  compactArray<T>(each: (r: Reader) => T): T[] {
    const n = this.uvarint();
    const out: T[] = [];
    for (let i = 0; i < n - 1; i++) out.push(each(this));
    return out;
  }
  /** Skips a tagged-field section; returns the read position after it. */
  skipTags(): number {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
    return this.at;
  }
  private take(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new RangeError(`truncated Kafka response (wanted ${n} bytes at ${this.at} of ${this.buf.length})`);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}
