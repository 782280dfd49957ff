import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { measure } from '../../src/check/measure.js';
import { Timeline } from '../../src/experiment/timeline.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import type { FaultSpec, ProducerSpec } from '../../src/schema/experiment.js';
import type { HistoryEntry } from '../../src/history/types.js';
import { sleep } from '../../src/util/time.js';
import { createLoadGenerator } from '../../src/workload/load-generator.js';
import { KAFKA_CLIENTS } from '../../src/schema/workload.js';
import { Random } from '../../src/util/random.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';
import { testPlan } from '../helpers/plan.js';

let env: StartedEnvironment;
beforeAll(async () => {
  env = await sharedCluster();
});
afterAll(async () => restoreCluster(env));

const producer: ProducerSpec = {
  name: 'timing',
  topic: 'orders',
  rate: 400,
  keys: 50,
  payloadBytes: 100,
  acks: 'all',
  idempotent: true,
  instances: 1,
  client: 'kafkajs',
};

/**
 * The known truth: every client link is cut (the brokers keep running and keep their leaders,
 * so no failover is involved) for exactly N seconds. The recovery checker, reading only the
 * History of a real producer, must measure an outage of N seconds, within ±0.25 s.
 */
describe('recovery timing against a known outage', () => {
  // kafkajs only for now: on librdkafka the acks after the heal came in bursts (250 ms with none
  // at 400 records/s), so 1 s windows failed and a 2 s outage measured 8.5-8.9 s (issue 15)
  const clients = KAFKA_CLIENTS.filter((c) => c === 'kafkajs');
  for (const [client, n] of clients.flatMap((c) => [2, 5].map((n) => [c, n] as const))) {
    it(`every client link cut for ${n} s is measured as an outage of ${n} s ± 0.25 s (${client})`, async () => {
      const history = new HistoryRecorder(join(inject('testRoot'), `recovery-timing-${client}-${n}.jsonl`));
      history.record({
        type: 'run',
        time: Date.now(),
        name: 'timing',
        seed: 1,
        plan: testPlan({ producers: [{ ...producer, client, transactional: false, partitions: 3 }] }),
        command: 'test',
        version: '0',
      });
      const cut: FaultSpec = {
        name: `cut every client link for ${n} s`,
        kind: 'isolate',
        target: { type: 'all-brokers' },
        from: 'clients',
        atMs: 8000,
        healAtMs: 8000 + n * 1000,
      };
      const load = createLoadGenerator(client, {
        name: 'timing',
        spec: { ...producer, client },
        partitions: 6,
        bootstrap: env.topology.bootstrap,
        history,
        random: new Random(n),
        log: () => undefined,
      });
      const timeline = new Timeline({
        faults: [cut],
        seed: 1,
        history,
        context: (random) => ({ env, network: env.network, topology: env.topology, observer: env.observer, history, random, log: () => undefined }),
      });
      try {
        await load.start();
        const t0 = Date.now();
        history.record({ type: 'event', kind: 'load', name: 'start', time: t0 });
        timeline.start(t0);
        await sleep(8000 + n * 1000 + 8000);
        history.record({ type: 'event', kind: 'load', name: 'stop', time: Date.now() });
        await load.stop();
      } finally {
        await timeline.healAll();
        await timeline.settled();
        await history.close();
      }
      const outcome = timeline.results()[0]!;
      expect(outcome.error).toBeUndefined();
      const cutFor = (outcome.healedAt! - outcome.injectedAt!) / 1000;
      expect(Math.abs(cutFor - n)).toBeLessThan(0.05); // the fault itself held for N s

      const m = measure(history.entries());
      const f = m.faults[0]!;
      expect(m.baseline?.recordsPerSecond).toBeGreaterThan(300);
      process.stderr.write(`[recovery-timing ${client}] cut ${cutFor.toFixed(3)} s, measured outage ${f.outageSeconds?.toFixed(3)} s\n`);
      expect(f.impacted).toBe(true);
      expect(f.failoverSeconds).toBeUndefined(); // nothing to fail over to: every client link was cut
      const said = `measured outage ${f.outageSeconds} s, recovered ${f.recoveredAfterHealSeconds} s after the heal; ${ackTimeline(history.entries(), outcome.healedAt!)}`;
      expect(f.outageSeconds, said).toBeGreaterThan(n - 0.25);
      expect(f.outageSeconds, said).toBeLessThan(n + 0.25);
    });
  }
});

/** Records acknowledged and not, per 250 ms from 1 s before the heal to 8 s after it: what a failure message shows. */
function ackTimeline(entries: readonly HistoryEntry[], healedAt: number): string {
  const size = new Map<number, number>();
  const buckets = new Map<number, { ok: number; other: number }>();
  for (const e of entries) {
    if (e.type !== 'send') continue;
    if (e.phase === 'invoke') {
      size.set(e.batch, e.records.length);
      continue;
    }
    const k = Math.floor((e.time - healedAt) / 250);
    if (k < -4 || k >= 32) continue;
    const b = buckets.get(k) ?? { ok: 0, other: 0 };
    b[e.phase === 'ok' ? 'ok' : 'other'] += e.count ?? size.get(e.batch) ?? 0;
    buckets.set(k, b);
  }
  return [...buckets]
    .sort((a, b) => a[0] - b[0])
    .map(([k, b]) => `${(k / 4).toFixed(2)}s:${b.ok}${b.other > 0 ? `/${b.other} not ok` : ''}`)
    .join(' ');
}
