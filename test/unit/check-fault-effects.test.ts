import { describe, expect, it } from 'vitest';
import { describeEffect, faultEffects } from '../../src/check/fault-effects.js';
import type { HistoryEntry, SampleEntry } from '../../src/history/types.js';

const sample = (time: number, live: number[], leader: number, isr: number[]): SampleEntry => ({
  type: 'sample',
  time,
  liveBrokers: live,
  partitions: [
    { topic: 'orders', partition: 0, leader, replicas: [1, 2, 3], isr },
    { topic: 'orders', partition: 1, leader: 3, replicas: [1, 2, 3], isr: isr.includes(3) ? isr : [...isr, 3] },
  ],
});

describe('fault effects, read off the samples', () => {
  it('sees the new leader, the shrunk ISR, the lost broker and when every ISR was full again', () => {
    const h: HistoryEntry[] = [
      sample(0, [1, 2, 3], 1, [1, 2, 3]),
      { type: 'event', kind: 'fault-start', time: 1000, name: 'kill', target: 'broker-1', detail: { index: 0 } },
      sample(1500, [1, 2, 3], 1, [1, 2, 3]),
      sample(10_000, [2, 3], 2, [2, 3]),
      { type: 'event', kind: 'fault-heal', time: 15_000, name: 'kill', target: 'broker-1', detail: { index: 0 } },
      sample(16_000, [1, 2, 3], 2, [2, 3]),
      sample(18_500, [1, 2, 3], 2, [1, 2, 3]),
    ];
    const [effect] = faultEffects(h);
    expect(effect).toMatchObject({
      index: 0,
      target: 'broker-1',
      leaderChanges: 1,
      minIsr: 2,
      maxUnderReplicated: 2,
      brokersLost: [1],
      isrRestoredAfterHealSeconds: 3.5,
    });
    expect(describeEffect(effect!)).toBe(
      '1 leader change, broker 1 left the cluster, up to 2 partitions under-replicated (smallest ISR 2), every ISR full 3.5 s after the heal',
    );
  });

  it('reports a fault that changed nothing as such', () => {
    const h: HistoryEntry[] = [
      sample(0, [1, 2, 3], 1, [1, 2, 3]),
      { type: 'event', kind: 'fault-start', time: 1000, name: 'latency', detail: { index: 0 } },
      sample(2000, [1, 2, 3], 1, [1, 2, 3]),
      { type: 'event', kind: 'fault-heal', time: 3000, name: 'latency', detail: { index: 0 } },
      sample(3500, [1, 2, 3], 1, [1, 2, 3]),
    ];
    expect(describeEffect(faultEffects(h)[0]!)).toBe('no leader change, ISR stayed full, every ISR full 0.5 s after the heal');
  });
});

describe('an instant fault', () => {
  it('is measured from the start of its injection to when it was over, plus the settling time', () => {
    const h: HistoryEntry[] = [
      sample(0, [1, 2, 3], 1, [1, 2, 3]),
      sample(2000, [2, 3], 2, [2, 3]),
      sample(4000, [1, 2, 3], 2, [1, 2, 3]),
      // recorded when the rolling restart returned, stamped with when it began
      { type: 'event', kind: 'fault-start', time: 1000, name: 'roll', target: 'broker-1', detail: { index: 0, completedAt: 3500 } },
    ];
    expect(faultEffects(h)[0]).toMatchObject({ leaderChanges: 1, brokersLost: [1], maxUnderReplicated: 2, isrRestoredAfterHealSeconds: 0.5 });
  });
});
