import { describe, expect, it } from 'vitest';
import { checkExactlyOnce, type ExactlyOnceOptions } from '../../src/check/exactly-once/checker.js';
import type { HistoryEntry, ReadDone, ReadEntry, SendComplete, SendInvoke } from '../../src/history/types.js';

// A tiny history builder: records are [id, key, crc]; reads get offsets from `from` upwards.
type Rec = [id: string, key: string, crc: number];
type ReadRec = [id: string | undefined, key: string, crc: number];
const T = 'orders';
const send = (process: string, batch: number, records: Rec[], topic = T): SendInvoke => ({
  type: 'send',
  phase: 'invoke',
  time: 0,
  process,
  batch,
  topic,
  records: records.map(([id, key, crc]) => ({ id, key, crc })),
});
const complete =
  (phase: SendComplete['phase']) =>
  (process: string, batch: number): SendComplete => ({ type: 'send', phase, time: 0, process, batch });
const ok = complete('ok');
const fail = complete('fail');
const info = complete('info');
const read = (partition: number, records: ReadRec[], from = 0, topic = T): ReadEntry => ({
  type: 'read',
  time: 0,
  topic,
  partition,
  records: records.map(([id, key, crc], i) => ({ offset: from + i, id, key, crc })),
});
const done = (complete = true, topic = T): ReadDone => ({ type: 'read-done', time: 0, topic, endOffsets: {}, complete });
const options: ExactlyOnceOptions = { inputTopic: T, outputTopic: T, orderedPerKey: true };

const A0: Rec = ['p:0', 'a', 100];
const B1: Rec = ['p:1', 'b', 101];
const A2: Rec = ['p:2', 'a', 102];
/** p sends a, b, a in one acked batch; a lives in partition 0, b in partition 1. */
const sentAndAcked: HistoryEntry[] = [send('p', 0, [A0, B1, A2]), ok('p', 0)];
const check = (entries: HistoryEntry[], more: Partial<ExactlyOnceOptions> = {}) => checkExactlyOnce(entries, { ...options, ...more });

describe('checkExactlyOnce', () => {
  it('passes a clean run and counts it', () => {
    const r = check([...sentAndAcked, read(0, [A0, A2]), read(1, [B1]), done()]);
    expect(r).toMatchObject({ pass: true, sent: 3, acked: 3, failed: 0, indeterminate: 0, read: 3 });
    expect(r).toMatchObject({ lost: 0, duplicated: 0, extraCopies: 0, reordered: 0, corrupted: 0, failedButPresent: 0, unexpected: 0 });
    expect(r.unknown).toBeUndefined();
  });

  it('finds an acked record lost', () => {
    const r = check([...sentAndAcked, read(0, [A0]), read(1, [B1]), done()]);
    expect(r).toMatchObject({ pass: false, lost: 1, samples: { lost: ['p:2'] } });
  });

  it('finds a duplicate, counting ids and extra copies apart', () => {
    const r = check([...sentAndAcked, read(0, [A0, A0, A2, A0]), read(1, [B1, B1]), done()]);
    expect(r).toMatchObject({ pass: false, read: 6, duplicated: 2, extraCopies: 3, reordered: 0, samples: { duplicated: ['p:0', 'p:1'] } });
  });

  it('does not take an offset read twice for a duplicate', () => {
    const r = check([...sentAndAcked, read(0, [A0, A2]), read(0, [A2], 1), read(1, [B1]), done()]);
    expect(r).toMatchObject({ pass: true, read: 4, duplicated: 0 });
  });

  it('finds a reorder within a key, a violation only when order is promised', () => {
    const history = [...sentAndAcked, read(0, [A2, A0]), read(1, [B1]), done()];
    const reorder = { key: 'a', id: 'p:0', after: 'p:2' };
    expect(check(history)).toMatchObject({ pass: false, reordered: 1, samples: { reordered: [reorder] } });
    expect(check(history, { orderedPerKey: false })).toMatchObject({ pass: true, reordered: 1, samples: { reordered: [reorder] } });
  });

  it('compares order only within one process, one key and one partition', () => {
    const Q0: Rec = ['q:0', 'a', 200];
    const history = [...sentAndAcked, send('q', 0, [Q0]), ok('q', 0), read(0, [A2, Q0]), read(1, [B1]), read(2, [A0]), done()];
    expect(check(history)).toMatchObject({ pass: true, reordered: 0 });
  });

  it('ignores the later copies of a duplicate for order', () => {
    const r = check([...sentAndAcked, read(0, [A0, A2, A0]), read(1, [B1]), done()]);
    expect(r).toMatchObject({ duplicated: 1, reordered: 0 });
  });

  it('sorts reads by offset before judging order', () => {
    const r = check([...sentAndAcked, read(0, [A2], 1), read(1, [B1]), read(0, [A0], 0), done()]);
    expect(r).toMatchObject({ pass: true, reordered: 0 });
  });

  it('finds a corrupted record', () => {
    const r = check([...sentAndAcked, read(0, [A0, ['p:2', 'a', 999]]), read(1, [B1]), done()]);
    expect(r).toMatchObject({ pass: false, corrupted: 1, lost: 0, samples: { corrupted: ['p:2'] } });
  });

  it('finds a record of a failed batch in the output (aborted read)', () => {
    const A3: Rec = ['p:3', 'a', 103];
    const history = [...sentAndAcked, send('p', 1, [A3]), fail('p', 1)];
    expect(check([...history, read(0, [A0, A2]), read(1, [B1]), done()])).toMatchObject({ pass: true, sent: 4, failed: 1 });
    const r = check([...history, read(0, [A0, A2, A3]), read(1, [B1]), done()]);
    expect(r).toMatchObject({ pass: false, failedButPresent: 1, samples: { failedButPresent: ['p:3'] } });
  });

  it('finds records never sent, and records with no id', () => {
    const r = check([...sentAndAcked, read(0, [A0, ['ghost:0', 'a', 1], A2]), read(1, [B1, [undefined, 'b', 2]]), done()]);
    expect(r).toMatchObject({ pass: false, unexpected: 2, reordered: 0 });
    expect(r.samples.unexpected).toEqual(['ghost:0', '(no id) at 1@1']);
  });

  describe('indeterminate records', () => {
    const A3: Rec = ['p:3', 'a', 103];
    const timedOut = [...sentAndAcked, send('p', 1, [A3]), info('p', 1)];

    it('are fine present once', () => {
      const r = check([...timedOut, read(0, [A0, A2, A3]), read(1, [B1]), done()]);
      expect(r).toMatchObject({ pass: true, indeterminate: 1, indeterminatePresent: 1, indeterminateAbsent: 0 });
    });

    it('are fine absent', () => {
      const r = check([...timedOut, read(0, [A0, A2]), read(1, [B1]), done()]);
      expect(r).toMatchObject({ pass: true, indeterminate: 1, indeterminatePresent: 0, indeterminateAbsent: 1, lost: 0 });
    });

    it('are duplicates when present twice', () => {
      const r = check([...timedOut, read(0, [A0, A2, A3, A3]), read(1, [B1]), done()]);
      expect(r).toMatchObject({ pass: false, duplicated: 1, indeterminatePresent: 0, indeterminateAbsent: 0 });
    });

    it('include a batch invoked and never completed', () => {
      const r = check([...sentAndAcked, send('p', 1, [A3]), read(0, [A0, A2, A3]), read(1, [B1]), done()]);
      expect(r).toMatchObject({ pass: true, sent: 4, acked: 3, indeterminate: 1, indeterminatePresent: 1 });
    });
  });

  describe('unknown', () => {
    it('when the verifier never said it read to the end', () => {
      const r = check([...sentAndAcked, read(0, [A0, A2]), read(1, [B1])]);
      expect(r).toMatchObject({ pass: false, read: 3, lost: 0 });
      expect(r.unknown).toMatch(/no read-done entry for orders/);
    });

    it('when the verifier gave up before the end', () => {
      const gaveUp: ReadDone = { ...done(false), error: 'timed out after 60000 ms' };
      const r = check([...sentAndAcked, read(0, [A0, A2]), read(1, [B1]), gaveUp]);
      expect(r.pass).toBe(false);
      expect(r.unknown).toMatch(/did not read orders to its end offsets: timed out after 60000 ms/);
    });

    it('not when a later attempt read to the end', () => {
      const r = check([...sentAndAcked, read(0, [A0]), done(false), read(0, [A0, A2]), read(1, [B1]), done()]);
      expect(r).toMatchObject({ pass: true, duplicated: 0 });
    });

    it('when nothing was sent to the input topic', () => {
      const r = check([...sentAndAcked, read(0, [A0, A2]), read(1, [B1]), done()], { inputTopic: 'elsewhere' });
      expect(r.pass).toBe(false);
      expect(r.unknown).toMatch(/nothing was sent to elsewhere/);
    });

    it('instead of throwing on a history it cannot read', () => {
      const broken = { type: 'send', phase: 'invoke', time: 0, process: 'p', batch: 0, topic: T, records: null } as unknown as HistoryEntry;
      const r = check([broken, done()]);
      expect(r.pass).toBe(false);
      expect(r.unknown).toMatch(/the exactly-once checker failed/);
    });
  });

  it('checks a processor pipeline from input topic to output topic', () => {
    const processed: HistoryEntry[] = [
      send('p', 0, [A0, B1, A2], 'in'),
      ok('p', 0),
      // The processor's own sends to the output are not input; the output carries the input ids.
      send('processor-1', 0, [['processor-1:0', 'a', 7]], 'out'),
      ok('processor-1', 0),
      read(0, [A0], 0, 'in'),
      done(true, 'in'),
      read(0, [A0, A2], 0, 'out'),
      read(1, [B1], 0, 'out'),
      done(true, 'out'),
    ];
    const r = check(processed, { inputTopic: 'in', outputTopic: 'out' });
    expect(r).toMatchObject({ pass: true, sent: 3, acked: 3, read: 3 });
    const lostOne = processed.filter((e) => !(e.type === 'read' && e.topic === 'out' && e.partition === 1));
    expect(check(lostOne, { inputTopic: 'in', outputTopic: 'out' })).toMatchObject({ pass: false, lost: 1, samples: { lost: ['p:1'] } });
  });

  it('keeps at most `samples` examples per anomaly', () => {
    const many: Rec[] = Array.from({ length: 30 }, (_, i) => [`p:${i}`, 'a', i]);
    const r = check([send('p', 0, many), ok('p', 0), read(0, []), done()], { samples: 3 });
    expect(r).toMatchObject({ lost: 30, samples: { lost: ['p:0', 'p:1', 'p:2'] } });
  });
});
