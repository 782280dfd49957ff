import { testPlan } from '../helpers/plan.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExactlyOnce, type ExactlyOnceResult } from '../../src/check/exactly-once/checker.js';
import type { HistoryEntry } from '../../src/history/types.js';

// Random clean histories: several producers send batches that complete ok, fail, info or not at
// all; the output holds every acked record once and each indeterminate one once or not at all,
// spread over partitions by key hash, in a random interleaving that keeps send order per
// (process, key). Then exactly one anomaly is injected, and the checker must name it.

type Outcome = 'ok' | 'fail' | 'info' | 'none';
interface GenRecord {
  key: string;
  crc: number;
  priority: number;
  present: boolean;
}
interface Scenario {
  producers: { outcome: Outcome; records: GenRecord[] }[][];
  partitions: number;
  pipeline: boolean;
  chunk: number;
  reverseChunks: boolean;
}
interface Sent {
  id: string;
  process: string;
  key: string;
  crc: number;
  outcome: Outcome;
  present: boolean;
  priority: number;
}
interface Out {
  id: string | undefined;
  key: string;
  crc: number;
}

const PROCESSES = ['producer-1', 'app:2', 'p3'];
const scenario: fc.Arbitrary<Scenario> = fc.record({
  producers: fc.array(
    fc.array(
      fc.record({
        outcome: fc.constantFrom<Outcome>('ok', 'fail', 'info', 'none'),
        records: fc.array(
          fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), crc: fc.integer({ min: 0, max: 0xffffffff }), priority: fc.nat(1000), present: fc.boolean() }),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    { minLength: 1, maxLength: PROCESSES.length },
  ),
  partitions: fc.integer({ min: 1, max: 3 }),
  pipeline: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 5 }),
  reverseChunks: fc.boolean(),
});
const picks = fc.tuple(fc.nat(), fc.nat(), fc.nat());

const partitionOf = (key: string, partitions: number) => [...key].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % partitions;

function sentRecords(s: Scenario): Sent[] {
  const sent: Sent[] = [];
  s.producers.forEach((batches, p) => {
    let seq = 0;
    for (const { outcome, records } of batches) {
      for (const r of records) {
        const present = outcome === 'ok' || (outcome !== 'fail' && r.present);
        sent.push({ id: `${PROCESSES[p]}:${seq++}`, process: PROCESSES[p]!, key: r.key, crc: r.crc, outcome, present, priority: r.priority });
      }
    }
  });
  return sent;
}

/** Per partition, the present records in a random order that keeps send order per (process, key). */
function cleanOutput(s: Scenario, sent: Sent[]): Out[][] {
  const groups = new Map<string, Sent[]>();
  for (const r of sent.filter((r) => r.present)) groups.set(`${r.process}|${r.key}`, [...(groups.get(`${r.process}|${r.key}`) ?? []), r]);
  const placed: { r: Sent; priority: number; order: number }[] = [];
  for (const group of groups.values()) {
    const priorities = group.map((r) => r.priority).sort((a, b) => a - b);
    for (const [i, r] of group.entries()) placed.push({ r, priority: priorities[i]!, order: sent.indexOf(r) });
  }
  placed.sort((a, b) => a.priority - b.priority || a.order - b.order); // ties in send order
  const output: Out[][] = Array.from({ length: s.partitions }, () => []);
  for (const { r } of placed) output[partitionOf(r.key, s.partitions)]!.push({ id: r.id, key: r.key, crc: r.crc });
  return output;
}

function render(s: Scenario, output: Out[][]): HistoryEntry[] {
  const input = s.pipeline ? 'in' : 'out';
  const history: HistoryEntry[] = [{ type: 'run', time: 0, name: 'prop', seed: 1, plan: testPlan(), command: 'test', version: '0' }];
  const rounds = Math.max(...s.producers.map((b) => b.length));
  const seqs = s.producers.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    const completions: HistoryEntry[] = [];
    s.producers.forEach((batches, p) => {
      const batch = batches[round];
      if (batch === undefined) return;
      const process = PROCESSES[p]!;
      const records = batch.records.map((r) => ({ id: `${process}:${seqs[p]!++}`, key: r.key, crc: r.crc }));
      history.push({ type: 'send', phase: 'invoke', time: round, process, batch: round, topic: input, records });
      if (batch.outcome !== 'none') completions.push({ type: 'send', phase: batch.outcome, time: round, process, batch: round });
    });
    history.push(...completions, { type: 'event', time: round, kind: 'note', name: `round ${round}` });
  }
  if (s.pipeline)
    history.push({ type: 'send', phase: 'invoke', time: 0, process: 'processor', batch: 0, topic: 'out', records: [{ id: 'processor:0', key: 'a', crc: 1 }] });
  output.forEach((records, partition) => {
    const chunks: HistoryEntry[] = [];
    for (let i = 0; i < records.length; i += s.chunk) {
      const slice = records.slice(i, i + s.chunk).map((r, j) => ({ ...r, offset: 2 * (i + j) }));
      chunks.push({ type: 'read', time: 0, topic: 'out', partition, records: slice });
    }
    history.push(...(s.reverseChunks ? chunks.reverse() : chunks));
  });
  history.push({ type: 'read-done', time: 0, topic: 'out', endOffsets: {}, complete: true });
  return history;
}

const check = (s: Scenario, output: Out[][], orderedPerKey = true) =>
  checkExactlyOnce(render(s, output), { inputTopic: s.pipeline ? 'in' : 'out', outputTopic: 'out', orderedPerKey });

const VIOLATIONS = ['lost', 'duplicated', 'reordered', 'corrupted', 'failedButPresent', 'unexpected'] as const;
type Violation = (typeof VIOLATIONS)[number];

/** Changes a clean output in place to hold exactly one anomaly of `kind`; false when this scenario has nothing to change. */
function inject(kind: Violation, s: Scenario, sent: Sent[], output: Out[][], [a, b, c]: [number, number, number]): boolean {
  const where = (id: string) => {
    const p = output.findIndex((rs) => rs.some((r) => r.id === id));
    return { p, i: output[p]?.findIndex((r) => r.id === id) ?? -1 };
  };
  const pick = <T>(xs: T[], n: number): T | undefined => xs[n % Math.max(1, xs.length)];
  const present = sent.filter((r) => r.present);
  if (kind === 'lost') {
    const r = pick(
      present.filter((r) => r.outcome === 'ok'),
      a,
    );
    if (r === undefined) return false;
    const { p, i } = where(r.id);
    output[p]!.splice(i, 1);
  } else if (kind === 'duplicated' || kind === 'corrupted') {
    const r = pick(present, a);
    if (r === undefined) return false;
    const { p, i } = where(r.id);
    const copy = output[p]![i]!;
    if (kind === 'corrupted') output[p]![i] = { ...copy, crc: (copy.crc ^ (1 << (b % 32))) >>> 0 };
    else output[p]!.splice(i + 1 + (b % (output[p]!.length - i)), 0, copy);
  } else if (kind === 'reordered') {
    const groups = new Map<string, Sent[]>();
    for (const r of present) groups.set(`${r.process}|${r.key}`, [...(groups.get(`${r.process}|${r.key}`) ?? []), r]);
    const group = pick(
      [...groups.values()].filter((g) => g.length >= 2),
      a,
    );
    if (group === undefined) return false;
    const [x, y] = [where(group[b % group.length]!.id), where(group[(b + 1 + (c % (group.length - 1))) % group.length]!.id)];
    [output[x.p]![x.i], output[y.p]![y.i]] = [output[y.p]![y.i]!, output[x.p]![x.i]!];
  } else {
    const r =
      kind === 'failedButPresent'
        ? pick(
            sent.filter((r) => r.outcome === 'fail'),
            a,
          )
        : undefined;
    if (kind === 'failedButPresent' && r === undefined) return false;
    const record: Out = r ?? { id: a % 2 === 0 ? `ghost:${a}` : undefined, key: 'a', crc: a };
    const partition = output[partitionOf(record.key, s.partitions)]!;
    partition.splice(b % (partition.length + 1), 0, record);
  }
  return true;
}

/** Violations other than the injected one that its injection may also cause. */
const ALSO: Partial<Record<Violation, Violation[]>> = { failedButPresent: ['reordered'] };

describe('checkExactlyOnce on random histories', () => {
  it('passes every clean history with something acknowledged, is unknown with nothing acknowledged, and counts it right', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const sent = sentRecords(s);
        const r: ExactlyOnceResult = check(s, cleanOutput(s, sent));
        const count = (f: (x: Sent) => boolean) => sent.filter(f).length;
        const acked = count((x) => x.outcome === 'ok');
        expect(r).toMatchObject({
          pass: acked > 0,
          sent: sent.length,
          read: count((x) => x.present),
          acked: count((x) => x.outcome === 'ok'),
          failed: count((x) => x.outcome === 'fail'),
        });
        if (acked > 0) expect(r.unknown).toBeUndefined();
        else expect(r.unknown).toMatch(/nothing (sent to .* was acknowledged|was sent to)/);
        expect(r.indeterminatePresent).toBe(count((x) => (x.outcome === 'info' || x.outcome === 'none') && x.present));
        expect(r.indeterminatePresent + r.indeterminateAbsent).toBe(r.indeterminate);
      }),
    );
  });

  it.each(VIOLATIONS)('catches one injected %s, and nothing else', (kind) => {
    fc.assert(
      fc.property(scenario, picks, (s, at) => {
        const sent = sentRecords(s);
        const output = cleanOutput(s, sent);
        fc.pre(inject(kind, s, sent, output, at));
        const r = check(s, output);
        expect(r.pass).toBe(false);
        expect(r[kind]).toBeGreaterThan(0);
        for (const other of VIOLATIONS.filter((v) => v !== kind && !ALSO[kind]?.includes(v))) expect(r[other], other).toBe(0);
        if (kind === 'reordered') expect(check(s, output, false)).toMatchObject({ pass: sent.some((x) => x.outcome === 'ok'), reordered: r.reordered });
      }),
    );
  });
});
