import { describe, expect, it } from 'vitest';
import { firstOffsets, forward, nextOffsets } from '../../src/workload/processor-offsets.js';

const m = (partition: number, offset: number) => ({ partition, offset });

describe("the processor's offsets", () => {
  it('keeps what moves each partition forward, and drops a range handed out again, across polls and within one', () => {
    const done = new Map([[0, 10]]);
    // partition 0: 8 and 9 were committed already; partition 1: 5..7, then 5..7 again back to back
    const poll = [m(0, 8), m(0, 9), m(0, 10), m(1, 5), m(1, 6), m(1, 7), m(1, 5), m(1, 6), m(1, 7), m(1, 9), m(0, 11)];
    expect(forward(poll, done)).toEqual([m(0, 10), m(1, 5), m(1, 6), m(1, 7), m(1, 9), m(0, 11)]);
    expect(done.get(0)).toBe(10); // forward reads `done`, it does not change it
  });

  it('keeps everything of a partition it has committed nothing of (a gap of markers is fine)', () => {
    expect(forward([m(2, 0), m(2, 3), m(2, 4)], new Map())).toEqual([m(2, 0), m(2, 3), m(2, 4)]);
  });

  it('commits one past the last record of each partition, and rewinds to the first', () => {
    const batch = [m(0, 4), m(1, 7), m(0, 5), m(1, 9)];
    expect(nextOffsets('in', batch)).toEqual([
      { topic: 'in', partition: 0, offset: 6 },
      { topic: 'in', partition: 1, offset: 10 },
    ]);
    expect([...firstOffsets(batch)]).toEqual([
      [0, 4],
      [1, 7],
    ]);
  });
});
