import { describe, expect, it } from 'vitest';
import { majorityView } from '../../src/cluster/observer.js';
import type { BrokerMetadata } from '../../src/cluster/metadata.js';
import { Reader, Writer } from '../../src/cluster/wire-buffers.js';

describe('wire encoding', () => {
  it('reads back what it writes', () => {
    const buf = new Writer()
      .int16(-2)
      .int32(70000)
      .string('héllo')
      .string(null)
      .bool(true)
      .array([1, 2, 3], (w, n) => w.int32(n))
      .buffer();
    const r = new Reader(buf);
    expect([r.int16(), r.int32(), r.string(), r.string(), r.bool(), r.array((x) => x.int32())]).toEqual([-2, 70000, 'héllo', null, true, [1, 2, 3]]);
  });

  it('refuses to read past the end', () => {
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(/truncated/);
  });
});

function view(source: string, brokers: number[], isr: number[], leader: number, leaderEpoch: number): BrokerMetadata {
  return {
    source,
    brokers: brokers.map((id) => ({ id, host: '127.0.0.1', port: 29190 + id })),
    clusterId: 'c',
    controllerId: brokers[0] ?? -1,
    topics: [
      {
        name: 'orders',
        errorCode: 0,
        internal: false,
        partitions: [{ partition: 0, errorCode: 0, leader, leaderEpoch, replicas: [1, 2, 3], isr, offline: [] }],
      },
    ],
  };
}

describe('the observer trusts the majority', () => {
  it('outvotes a cut-off broker that still serves its stale view', () => {
    const stale = view('b1', [1, 2, 3], [1, 2, 3], 1, 4);
    const fresh = view('b2', [2, 3], [2, 3], 2, 5);
    expect(majorityView([stale, fresh, { ...fresh, source: 'b3' }])?.brokers.map((b) => b.id)).toEqual([2, 3]);
  });

  it('breaks a tie in favour of the fresher view', () => {
    const stale = view('b1', [1, 2, 3], [1, 2, 3], 1, 4);
    const fresh = view('b2', [2, 3], [2, 3], 2, 5);
    expect(majorityView([stale, fresh])?.source).toBe('b2');
    expect(majorityView([fresh, stale])?.source).toBe('b2');
  });

  it('prefers the less optimistic view when epochs are equal (an ISR shrink keeps the leader epoch)', () => {
    const stale = view('b1', [1, 2, 3], [1, 2, 3], 2, 5);
    const fresh = view('b2', [2, 3], [2, 3], 2, 5);
    expect(majorityView([stale, fresh])?.source).toBe('b2');
  });

  it('has no view when no broker answered', () => {
    expect(majorityView([])).toBeUndefined();
  });
});
