import { describe, expect, it } from 'vitest';
import { percentiles } from '../../src/check/latency.js';
import { measure } from '../../src/check/measure.js';
import { sloChecks } from '../../src/check/slo-checks.js';
import type { HistoryEntry } from '../../src/history/types.js';
import { DEFAULT_RECOVERY, type Slos } from '../../src/history/slos.js';
import { Random } from '../../src/util/random.js';
import { testPlan } from '../helpers/plan.js';

const T0 = 1_700_000_000_000;

interface Scenario {
  /** Load period, ms from T0. */
  loadMs: number;
  /** Records per second offered (one record per batch, evenly spaced, with up to `jitterMs` of noise). */
  rate: number;
  jitterMs?: number;
  /** Intervals (ms from T0) with no acknowledgement; a send invoked inside is acknowledged at the end (a stall). */
  stalls?: [number, number][];
  /** Intervals where only this share of the rate is acknowledged. */
  slow?: [number, number, number][];
  /** Send failures (info), ms from T0. */
  errors?: number[];
  faults?: { name: string; at: number; heal?: number }[];
  /** Records seen by the watcher this long after their send (ms), by send time. */
  latency?: (sentMs: number) => number;
  lag?: { at: number; total: number }[];
}

/** A handmade History for a producer at `rate`, with stalls, slowdowns, errors and fault events where the scenario says. */
function history(s: Scenario): HistoryEntry[] {
  const h: HistoryEntry[] = [
    {
      type: 'run',
      time: T0 - 5000,
      name: 't',
      seed: 1,
      plan: testPlan({
        producers: [{ ...testPlan().producers[0]!, rate: s.rate }],
        // as the plan gives them: a fault without a heal time is instant
        timeline: (s.faults ?? []).map((f, index) => ({
          index,
          name: f.name,
          kind: 'cut',
          atMs: f.at,
          ...(f.heal === undefined ? {} : { healAtMs: f.heal }),
          target: 'all client links',
        })),
      }),
      command: 'test',
      version: '0',
    },
  ];
  h.push({ type: 'event', kind: 'load', name: 'start', time: T0 });
  const random = new Random(7);
  const gap = 1000 / s.rate;
  let batch = 0;
  for (let t = 0; t < s.loadMs; t += gap) {
    const sentAt = t + (s.jitterMs === undefined ? 0 : random.int(s.jitterMs));
    const slow = s.slow?.find(([a, b]) => sentAt >= a && sentAt < b);
    if (slow !== undefined && random.next() > slow[2]) continue;
    const stall = s.stalls?.find(([a, b]) => sentAt >= a && sentAt < b);
    const ackAt = stall === undefined ? sentAt + 3 : stall[1] + 3;
    const id = `p:${batch}`;
    h.push({ type: 'send', phase: 'invoke', time: T0 + sentAt, process: 'p', batch, topic: 'orders', partition: 0, records: [{ id, key: 'k', crc: 0 }] });
    h.push({ type: 'send', phase: 'ok', time: T0 + ackAt, process: 'p', batch });
    if (s.latency !== undefined) h.push({ type: 'seen', time: T0 + sentAt + s.latency(sentAt), topic: 'orders', partition: 0, ids: [id] });
    batch++;
  }
  for (const e of s.errors ?? []) {
    h.push({
      type: 'send',
      phase: 'invoke',
      time: T0 + e - 10,
      process: 'q',
      batch: ++batch,
      topic: 'orders',
      records: [{ id: `q:${batch}`, key: 'k', crc: 0 }],
    });
    h.push({ type: 'send', phase: 'info', time: T0 + e, process: 'q', batch, error: 'timeout' });
  }
  (s.faults ?? []).forEach((f, index) => {
    h.push({ type: 'event', kind: 'fault-start', name: f.name, time: T0 + f.at, target: 'all client links', detail: { index, kind: 'cut' } });
    if (f.heal !== undefined) h.push({ type: 'event', kind: 'fault-heal', name: f.name, time: T0 + f.heal, detail: { index, kind: 'cut' } });
  });
  for (const l of s.lag ?? []) h.push({ type: 'lag', time: T0 + l.at, group: 'g', topic: 'orders', partitions: { '0': l.total }, total: l.total });
  h.push({ type: 'event', kind: 'load', name: 'stop', time: T0 + s.loadMs });
  return h.sort((a, b) => a.time - b.time);
}

const SLOS: Slos = { exactlyOnce: true, orderedPerKey: false, recovery: DEFAULT_RECOVERY, maxRecoverySeconds: 5 };

describe('recovery', () => {
  it('measures an outage of exactly N seconds (all clients cut, acks stop and resume at the heal) to within the resolution', () => {
    for (const n of [1, 3, 7.5]) {
      const cutAt = 20_000;
      const m = measure(
        history({ loadMs: 50_000, rate: 200, jitterMs: 4, stalls: [[cutAt, cutAt + n * 1000]], faults: [{ name: 'cut', at: cutAt, heal: cutAt + n * 1000 }] }),
      );
      const f = m.faults[0]!;
      expect(f.impacted).toBe(true);
      expect(f.failoverSeconds).toBeUndefined(); // nothing recovered while every client was cut
      expect(f.outageSeconds).toBeGreaterThanOrEqual(n);
      expect(f.outageSeconds).toBeLessThan(n + 0.05);
      expect(f.recoveredAfterHealSeconds).toBeLessThan(0.05);
      expect(f.recoverySeconds).toBe(f.outageSeconds); // what maxRecoverySeconds holds: injection to recovery
    }
  });

  it('tells a failover during the fault from a recovery after the heal', () => {
    const m = measure(history({ loadMs: 60_000, rate: 200, stalls: [[15_000, 17_300]], faults: [{ name: 'kill leader', at: 15_000, heal: 30_000 }] }));
    const f = m.faults[0]!;
    expect(f.failoverSeconds).toBeCloseTo(2.3, 1);
    expect(f.recoveredAfterHealSeconds).toBe(0);
    expect(f.recoverySeconds).toBeCloseTo(2.3, 1);
    expect(f.outageSeconds).toBeCloseTo(2.3, 1);
  });

  it('counts a second outage caused by the heal: recovery lasts until the service recovered for good', () => {
    const m = measure(
      history({
        loadMs: 60_000,
        rate: 200,
        stalls: [
          [15_000, 16_000],
          [30_000, 34_000],
        ],
        faults: [{ name: 'isolate', at: 15_000, heal: 30_000 }],
      }),
    );
    const f = m.faults[0]!;
    expect(f.failoverSeconds).toBeCloseTo(1, 1);
    expect(f.recoveredAfterHealSeconds).toBeCloseTo(4, 1);
    expect(f.recoverySeconds).toBeCloseTo(19, 1); // the service was not recovered for good until 34 s
    expect(sloChecks({ ...SLOS, maxRecoverySeconds: 20 }, m).find((c) => c.name === 'recovery: isolate')?.pass).toBe(true);
    expect(sloChecks({ ...SLOS, maxRecoverySeconds: 15 }, m).find((c) => c.name === 'recovery: isolate')?.pass).toBe(false);
  });

  it('a heal that takes time (a broker restarting) ends the failover where it began: a dip while it is under way is not the failover failing', () => {
    // CI: a leader kill failed over in 10 s and held for 30 s; the killed broker's restart (begun at 40 s, done at
    // 49 s) starved the machine for 0.6 s, and the run read "failover in 46.11 s, recovered 0.00 s after the heal"
    const h = history({
      loadMs: 75_000,
      rate: 200,
      stalls: [
        [15_000, 25_000],
        [58_000, 58_600],
      ],
      faults: [{ name: 'kill', at: 15_000, heal: 64_000 }],
    });
    const heal = h.find((e) => e.type === 'event' && e.kind === 'fault-heal');
    if (heal?.type === 'event') heal.detail = { ...heal.detail, begunAt: T0 + 55_000 };
    const f = measure(h).faults[0]!;
    expect(f.failoverSeconds).toBeCloseTo(10, 1);
    expect(f.recoverySeconds).toBeCloseTo(10, 1);
    expect(f.recoveredAfterHealSeconds).toBe(0);
  });

  it('a failover just before the heal is still timed from the injection, not as an instant recovery after the heal', () => {
    // CI caught this: a leader kill whose failover landed within the hold before the heal was judged recovered 0.005 s after it
    const m = measure(history({ loadMs: 60_000, rate: 200, stalls: [[15_000, 28_500]], faults: [{ name: 'kill', at: 15_000, heal: 30_000 }] }));
    const f = m.faults[0]!;
    expect(f.recoverySeconds).toBeCloseTo(13.5, 1);
    expect(sloChecks({ ...SLOS, maxRecoverySeconds: 0.01 }, m).find((c) => c.name === 'recovery: kill')?.pass).toBe(false);
  });

  it('sees a slowdown under the threshold as an impact, and one above it as none', () => {
    const slow = measure(history({ loadMs: 60_000, rate: 400, slow: [[20_000, 26_000, 0.5]], faults: [{ name: 'latency', at: 20_000, heal: 26_000 }] }))
      .faults[0]!;
    expect(slow.impacted).toBe(true);
    expect(slow.failoverSeconds).toBeUndefined();
    expect(slow.recoveredAfterHealSeconds).toBeLessThan(0.2);
    expect(slow.minThroughputRatio).toBeLessThan(0.6);
    const mild = measure(history({ loadMs: 60_000, rate: 400, slow: [[20_000, 26_000, 0.95]], faults: [{ name: 'latency', at: 20_000, heal: 26_000 }] }))
      .faults[0]!;
    expect(mild.impacted).toBe(false);
    expect(mild.recoverySeconds).toBe(0);
    expect(mild.outageSeconds).toBe(0);
  });

  it('does not cry wolf: a clean noisy run at low rate shows no impact for a fault that did nothing', () => {
    for (const rate of [20, 50, 200, 1000]) {
      const m = measure(history({ loadMs: 60_000, rate, jitterMs: Math.floor(1000 / rate), faults: [{ name: 'nothing', at: 20_000, heal: 35_000 }] }));
      expect(m.faults[0]!.impacted, `rate ${rate}`).toBe(false);
      expect(m.faults[0]!.recoverySeconds).toBe(0);
      expect(sloChecks({ ...SLOS, maxRecoverySeconds: 0 }, m).every((c) => c.pass)).toBe(true);
    }
  });

  it('a failed send after the heal delays recovery until a hold without failures', () => {
    const m = measure(
      history({ loadMs: 60_000, rate: 200, stalls: [[20_000, 25_000]], errors: [26_500], faults: [{ name: 'cut', at: 20_000, heal: 25_000 }] }),
    );
    const f = m.faults[0]!;
    expect(f.recoveredAfterHealSeconds).toBeGreaterThan(1.5);
    expect(f.recoveredAfterHealSeconds).toBeLessThan(2);
  });

  it('never recovered: no recovery time, and the SLO fails saying so', () => {
    const m = measure(history({ loadMs: 40_000, rate: 200, stalls: [[20_000, 60_000]], faults: [{ name: 'cut', at: 20_000, heal: 30_000 }] }));
    expect(m.faults[0]!.recoverySeconds).toBeUndefined();
    const check = sloChecks(SLOS, m).find((c) => c.name === 'recovery: cut')!;
    expect(check.pass).toBe(false);
    expect(check.observed).toBe('never');
  });

  it('a recovery not seen before the next fault began is judged only up to it, and named as cut short, not as never', () => {
    // fault 1 healed at 30 s, throughput still stalled when fault 2 begins at 32 s (stalled until 40 s)
    const h = history({
      loadMs: 60_000,
      rate: 200,
      stalls: [[20_000, 40_000]],
      faults: [
        { name: 'first', at: 20_000, heal: 30_000 },
        { name: 'second', at: 32_000, heal: 36_000 },
      ],
    });
    const m = measure(h);
    expect(m.faults[0]).toMatchObject({ name: 'first', cutShortBy: 'second' });
    expect(m.faults[0]!.recoverySeconds).toBeUndefined();
    const first = sloChecks(SLOS, m).find((c) => c.name === 'recovery: first')!;
    expect(first).toMatchObject({ pass: false, unknown: true });
    expect(first.message).toContain('the next fault (second) began');
    // the second is judged on its own: recovered when the stall ended
    expect(m.faults[1]!.recoverySeconds).toBeCloseTo(8, 0);
  });

  it('a next fault begun the moment the heal completed (it waited for it) cuts the recovery short too', () => {
    const h = history({
      loadMs: 60_000,
      rate: 200,
      stalls: [[20_000, 40_000]],
      faults: [
        { name: 'first', at: 20_000, heal: 30_000 },
        { name: 'second', at: 30_000, heal: 36_000 },
      ],
    });
    expect(measure(h).faults[0]).toMatchObject({ name: 'first', cutShortBy: 'second' });
  });

  it('an instant fault (no heal) is timed from its injection', () => {
    const m = measure(history({ loadMs: 60_000, rate: 200, stalls: [[20_000, 22_500]], faults: [{ name: 'kill', at: 20_000 }] }));
    expect(m.faults[0]!.recoverySeconds).toBeCloseTo(2.5, 1);
    expect(m.faults[0]!.healedAt).toBeUndefined();
  });

  it('baseline is the throughput before the first fault, after warm-up; throughput ratio counts acks over offered', () => {
    const m = measure(history({ loadMs: 60_000, rate: 100, stalls: [[20_000, 30_000]], faults: [{ name: 'cut', at: 20_000, heal: 30_000 }] }));
    expect(m.baseline?.recordsPerSecond).toBeCloseTo(100, 0);
    expect(m.throughputRatio).toBeCloseTo(1, 1); // stalled sends are acked after the heal
    expect(m.throughput).toHaveLength(60);
    expect(m.throughput[25]!.acked).toBe(0);
  });
});

describe('latency', () => {
  it('percentiles overall and per phase, from send to seen', () => {
    const m = measure(
      history({ loadMs: 60_000, rate: 100, faults: [{ name: 'latency', at: 20_000, heal: 30_000 }], latency: (t) => (t >= 20_000 && t < 30_000 ? 500 : 10) }),
    );
    const s = m.latencySummary;
    expect(s.steady?.p99).toBe(10);
    expect(s.fault?.p50).toBe(500);
    expect(s.overall?.max).toBe(500);
    expect(s.overall?.p50).toBe(10);
    expect(s.unseen).toBe(0);
    expect(m.latency.find((p) => p.time === T0 + 25_000)?.p50).toBe(500);
    expect(sloChecks({ ...SLOS, p99LatencyMs: 400 }, m).find((c) => c.name === 'p99 latency')?.pass).toBe(false);
    expect(sloChecks({ ...SLOS, p99LatencyMs: 600 }, m).find((c) => c.name === 'p99 latency')?.pass).toBe(true);
  });

  it('counts acked records never seen, and a latency SLO without any measurement fails', () => {
    const m = measure(history({ loadMs: 10_000, rate: 10 }));
    expect(m.latencySummary.unseen).toBe(100);
    expect(m.latencySummary.overall).toBeUndefined();
    expect(sloChecks({ ...SLOS, p99LatencyMs: 1000 }, m).find((c) => c.name === 'p99 latency')?.pass).toBe(false);
  });

  it('nearest-rank percentiles', () => {
    const p = percentiles(Array.from({ length: 100 }, (_, i) => i + 1))!;
    expect([p.p50, p.p95, p.p99, p.max]).toEqual([50, 95, 99, 100]);
    expect(percentiles([])).toBeUndefined();
  });
});

describe('lag', () => {
  const lag = [
    { at: 10_000, total: 20 },
    { at: 20_000, total: 50 },
    { at: 25_000, total: 4000 },
    { at: 30_000, total: 3000 },
    { at: 34_000, total: 150 },
    { at: 40_000, total: 10 },
  ];

  it('max lag, and how long after the heal it was back under the threshold', () => {
    const m = measure(history({ loadMs: 60_000, rate: 100, faults: [{ name: 'crash', at: 20_000, heal: 28_000 }], lag }));
    expect(m.maxLag).toBe(4000);
    expect(m.faults[0]!.lagRecoveredAfterHealSeconds).toBe(6); // 150 < 200 at 34 s
    expect(m.faults[0]!.maxLag).toBe(4000);
    const checks = sloChecks({ ...SLOS, maxLag: 5000, lagRecoveredWithinSeconds: 5 }, m);
    expect(checks.find((c) => c.name === 'max lag')?.pass).toBe(true);
    expect(checks.find((c) => c.name === 'lag recovered: crash')).toMatchObject({ pass: false, observed: 6, threshold: 5 });
    expect(sloChecks({ ...SLOS, maxLag: 3999 }, m).find((c) => c.name === 'max lag')?.pass).toBe(false);
  });

  it('a lag SLO with no consumer group measured fails rather than passing unseen', () => {
    const m = measure(history({ loadMs: 20_000, rate: 100, faults: [{ name: 'x', at: 5000, heal: 6000 }] }));
    expect(
      sloChecks({ ...SLOS, maxLag: 10, lagRecoveredWithinSeconds: 10 }, m)
        .filter((c) => !c.pass)
        .map((c) => c.name),
    ).toEqual(['max lag', 'lag recovered: x']);
  });
});
