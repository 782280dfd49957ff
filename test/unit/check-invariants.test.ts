import { describe, expect, it } from 'vitest';
import { checkAckedBelowMinIsr, checkNoUncleanElection, checkSingleController, measureOffline, UNCLEAN_ELECTION_NOTE } from '../../src/check/invariants.js';
import type { HistoryEntry, SampleEntry } from '../../src/history/types.js';

function sample(time: number, isr: number[], leader = isr[0] ?? -1, quorum: SampleEntry['quorum'] = []): SampleEntry {
  return {
    type: 'sample',
    time,
    liveBrokers: [1, 2, 3],
    partitions: [{ topic: 'orders', partition: 0, leader, replicas: [1, 2, 3], isr }],
    minIsr: { orders: 2 },
    quorum,
  };
}
const send = (time: number, batch: number, phase: 'invoke' | 'ok' | 'info'): HistoryEntry =>
  phase === 'invoke'
    ? { type: 'send', phase, time, process: 'p', batch, topic: 'orders', partition: 0, records: [{ id: `p:${batch}`, key: 'k', crc: 1 }] }
    : { type: 'send', phase, time, process: 'p', batch };

describe('at most one active controller', () => {
  it('passes when every epoch has one leader, however many brokers report it', () => {
    const h = [
      sample(0, [1, 2, 3], 1, [
        { broker: 1, leader: 2, epoch: 5 },
        { broker: 3, leader: 2, epoch: 5 },
      ]),
      sample(500, [1, 2, 3], 1, [{ broker: 1, leader: 3, epoch: 6 }]),
    ];
    expect(checkSingleController(h)).toMatchObject({ pass: true, observed: 0 });
  });

  it('catches two leaders in the same epoch', () => {
    const h = [sample(0, [1, 2, 3], 1, [{ broker: 1, leader: 1, epoch: 7 }]), sample(500, [1, 2, 3], 1, [{ broker: 2, leader: 2, epoch: 7 }])];
    const r = checkSingleController(h);
    expect(r).toMatchObject({ pass: false, observed: 1 });
    expect(r.samples).toEqual(['epoch 7: brokers 1, 2']);
  });
});

describe('no write acknowledged below min.insync.replicas', () => {
  it('catches an ack while the ISR was short before and after', () => {
    const h = [sample(0, [1]), send(100, 1, 'invoke'), send(120, 1, 'ok'), sample(500, [1])];
    expect(checkAckedBelowMinIsr(h)).toMatchObject({ pass: false, observed: 1, samples: ['orders-0: p batch 1 (1 records)'] });
  });

  it('does not cry wolf when the ISR shrank or grew around the write, or the send was not acked', () => {
    const shrankAfter = [sample(0, [1, 2]), send(100, 1, 'invoke'), send(120, 1, 'ok'), sample(500, [1])];
    const grewBefore = [sample(0, [1]), send(100, 1, 'invoke'), send(120, 1, 'ok'), sample(500, [1, 2])];
    const notAcked = [sample(0, [1]), send(100, 1, 'invoke'), send(120, 1, 'info'), sample(500, [1])];
    for (const h of [shrankAfter, grewBefore, notAcked]) expect(checkAckedBelowMinIsr(h).pass).toBe(true);
  });
});

describe('partitions offline', () => {
  it('measures how long a partition had no leader, and fails only past the SLO', () => {
    const h = [sample(0, [1, 2, 3]), sample(500, [], -1), sample(1000, [], -1), sample(3000, [], -1), sample(3500, [2])];
    expect(measureOffline(h)).toMatchObject({ pass: true, observed: 2.5 });
    expect(measureOffline(h, 2)).toMatchObject({ pass: false, observed: 2.5 });
    expect(measureOffline([sample(0, [1]), sample(500, [1])])).toMatchObject({ pass: true, observed: 0 });
  });
});

describe('no unclean leader election', () => {
  it('fails on a logged unclean election and passes without one', () => {
    const note: HistoryEntry = {
      type: 'event',
      kind: 'note',
      time: 1,
      name: UNCLEAN_ELECTION_NOTE,
      detail: { node: 'broker-2', line: 'Setting new leader … using an unclean election' },
    };
    expect(checkNoUncleanElection([note])).toMatchObject({ pass: false, observed: 1, samples: ['broker-2: Setting new leader … using an unclean election'] });
    expect(checkNoUncleanElection([{ ...note, name: 'drained' } as HistoryEntry])).toMatchObject({ pass: true, observed: 0 });
  });
});
