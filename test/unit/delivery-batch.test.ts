import { describe, expect, it } from 'vitest';
import { checkExactlyOnce } from '../../src/check/exactly-once/checker.js';
import { judge } from '../../src/check/judge.js';
import type { HistoryEntry } from '../../src/history/types.js';
import { DeliveryBatch } from '../../src/workload/delivery-batch.js';
import { testPlan } from '../helpers/plan.js';

describe('a batch completed from per-record delivery reports', () => {
  it('is one completion, with every offset, when every record was written', () => {
    const b = new DeliveryBatch(7, 3);
    expect(b.report(0, 'ok', 10)).toBe(false);
    expect(b.report(1, 'ok', 11)).toBe(false);
    expect(b.report(2, 'ok', 12)).toBe(true);
    expect(b.completions('p', 5)).toEqual([{ type: 'send', phase: 'ok', time: 5, process: 'p', batch: 7, offsets: [10, 11, 12] }]);
  });

  it('is one completion per run of equal outcomes, each naming its records, errors on the ones not written', () => {
    const b = new DeliveryBatch(1, 5);
    b.report(0, 'ok', 3);
    b.report(1, 'ok', 4);
    b.report(2, 'info', undefined, 'Local: Message timed out');
    b.report(3, 'info', undefined, 'Local: Message timed out');
    b.report(4, 'fail', undefined, 'Broker: Message size too large');
    expect(b.completions('p', 9)).toEqual([
      { type: 'send', phase: 'ok', time: 9, process: 'p', batch: 1, first: 0, count: 2, offsets: [3, 4] },
      { type: 'send', phase: 'info', time: 9, process: 'p', batch: 1, first: 2, count: 2, error: 'Local: Message timed out' },
      { type: 'send', phase: 'fail', time: 9, process: 'p', batch: 1, first: 4, count: 1, error: 'Broker: Message size too large' },
    ]);
  });

  it('leaves a record no report came for without a completion, and counts a record once', () => {
    const b = new DeliveryBatch(2, 3);
    b.report(0, 'ok', 1);
    b.report(0, 'fail'); // a second report of the same record does not change it
    b.report(2, 'ok', 3);
    expect(b.done).toBe(false);
    expect(b.pending).toBe(1);
    expect(b.completions('p', 1).map((c) => [c.first, c.count, c.phase])).toEqual([
      [0, 1, 'ok'],
      [2, 1, 'ok'],
    ]);
  });
});

/** A history of one batch of four records of which only `acked` were acknowledged (in parts), and `read` of them read back. */
function history(parts: { first: number; count: number; phase: 'ok' | 'fail' | 'info' }[], read: number[]): HistoryEntry[] {
  const records = [0, 1, 2, 3].map((i) => ({ id: `p:${i}`, key: 'k', crc: 100 + i }));
  return [
    { type: 'send', phase: 'invoke', time: 1, process: 'p', batch: 1, topic: 't', partition: 0, records },
    ...parts.map((p) => ({ type: 'send' as const, time: 2, process: 'p', batch: 1, ...p })),
    { type: 'read', time: 3, topic: 't', partition: 0, records: read.map((i, offset) => ({ offset, id: `p:${i}`, key: 'k', crc: 100 + i })) },
    { type: 'read-done', time: 4, topic: 't', endOffsets: { '0': read.length }, complete: true },
  ];
}

describe('the checkers on batches completed in parts', () => {
  it('count an acknowledged part that is missing as lost, and an indeterminate part as indeterminate', () => {
    const h = history(
      [
        { first: 0, count: 2, phase: 'ok' },
        { first: 2, count: 2, phase: 'info' },
      ],
      [0],
    );
    const r = checkExactlyOnce(h, { inputTopic: 't', outputTopic: 't', orderedPerKey: true });
    expect(r).toMatchObject({ acked: 2, indeterminate: 2, lost: 1 });
  });

  it('count a failed part that is present as failed-but-present', () => {
    const h = history(
      [
        { first: 0, count: 3, phase: 'ok' },
        { first: 3, count: 1, phase: 'fail' },
      ],
      [0, 1, 2, 3],
    );
    const r = checkExactlyOnce(h, { inputTopic: 't', outputTopic: 't', orderedPerKey: true });
    expect(r).toMatchObject({ acked: 3, failed: 1, lost: 0, failedButPresent: 1 });
  });

  it('take a record no part covers for indeterminate, in the producer counts too', () => {
    const h = history([{ first: 0, count: 2, phase: 'ok' }], [0, 1]);
    const r = checkExactlyOnce(h, { inputTopic: 't', outputTopic: 't', orderedPerKey: true });
    expect(r).toMatchObject({ acked: 2, indeterminate: 2, lost: 0 });
    const plan = testPlan({ environment: { ...testPlan().environment, topics: ['t'] }, judged: [{ input: ['t'], output: 't' }] });
    const { result } = judge([{ type: 'run', time: 0, name: 'x', seed: 1, plan, command: 'test', version: '0' }, ...h]);
    expect(result.producers).toEqual([{ name: 'p', sent: 4, acked: 2, failed: 0, indeterminate: 2 }]);
  });

  it('keep the strongest outcome where parts overlap (a damaged or repeated completion)', () => {
    const h = history(
      [
        { first: 0, count: 4, phase: 'info' },
        { first: 1, count: 2, phase: 'ok' },
      ],
      [1, 2],
    );
    const r = checkExactlyOnce(h, { inputTopic: 't', outputTopic: 't', orderedPerKey: true });
    expect(r).toMatchObject({ acked: 2, indeterminate: 2, lost: 0 });
  });
});
