import type { ExactlyOnceResult } from '../../src/check/exactly-once/checker.js';
import type { FaultRecovery, Measurements } from '../../src/check/measurements.js';
import type { Check, FaultOutcomeSummary, RunResult } from '../../src/check/result.js';
import type { Plan } from '../../src/history/plan.js';
import { DEFAULT_RECOVERY } from '../../src/history/slos.js';
import type { ReportInput } from '../../src/report/html.js';

/** Strings that would run script or load something if a renderer forgot to escape them. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  attribute: '"><img src=x onerror=alert(1)>',
  pwnScript: '<script>window.__pwned=1</script>',
  pwnImage: `'"><img src=x onerror="window.__pwned=1">`,
  pwnSvg: '<svg onload="window.__pwned=1"></svg>',
} as const;

/** Load start of the fixture run (epoch ms): 2026-11-24 19:00:00 UTC. */
export const T0 = Date.UTC(2026, 10, 24, 19, 0, 0);
const at = (seconds: number) => T0 + Math.round(seconds * 1000);

export interface FixtureOptions {
  /** Put hostile strings in the experiment name, a fault name, a topic, a check message, a duplicated id, a lag group, an event, the files, the command and the runbook. */
  hostile?: boolean;
}

/**
 * A realistic finished run: 60 s of load at 200 records/s on a 3-broker cluster with a
 * processor; the leader of orders-0 is killed at 15 s (healed at 30 s), then clients see
 * 400 ms latency to broker-1 from 40 s to 50 s. Throughput dips and recovers, lag builds and
 * drains, two duplicates slip through, the first fault misses its recovery SLO (a failed
 * blocking check) and p99 latency is over its limit (a warning). Verdict: fail.
 */
export function buildReportFixture(options: FixtureOptions = {}): ReportInput {
  const h = options.hostile === true;
  const names = {
    experiment: h ? `leader-kill ${HOSTILE.pwnScript}` : 'leader-kill-under-load',
    kill: h ? `crash the leader of orders-0 ${HOSTILE.pwnImage}` : 'crash the leader of orders-0',
    latency: 'latency 400 ms between clients and broker-1',
    group: h ? `audit ${HOSTILE.pwnSvg}` : 'audit-consumer',
  };
  const plan = buildPlan(names, h);
  const measurements = buildMeasurements(names);
  const result: RunResult = {
    name: names.experiment,
    verdict: 'fail',
    seed: 42,
    startedAt: new Date(at(-4)).toISOString(),
    command: `streamchaos run experiments/leader-kill-under-load.yaml --seed 42${h ? ` --note '${HOSTILE.script}'` : ''}`,
    checks: buildChecks(names, h),
    exactlyOnce: buildExactlyOnce(h),
    faults: buildFaultOutcomes(measurements.faults),
    producers: [{ name: 'orders-producer', sent: 12_011, acked: 11_904, failed: 0, indeterminate: 107 }],
    latency: measurements.latencySummary,
    throughput: { offeredPerSecond: 200, baselinePerSecond: 199.6, ratio: 0.93 },
    maxLag: 2850,
    plan,
  };
  const files = [
    { name: 'experiments/leader-kill-under-load.yaml', text: experimentFile(names.experiment, h) },
    {
      name: 'environments/local-3.yaml',
      text: 'name: local-3\nkafka: 4.1.0\nbrokers: 3\ntopics:\n  - name: orders\n    partitions: 3\n    replicationFactor: 3\n    minInsyncReplicas: 2\n  - name: orders-processed\n    partitions: 3\n    replicationFactor: 3\n',
    },
  ];
  return { result, measurements, files, renderedAt: new Date(at(75)).toISOString() };
}

type Names = { experiment: string; kill: string; latency: string; group: string };

function buildPlan(names: Names, hostile: boolean): Plan {
  return {
    name: names.experiment,
    description: 'Kill the leader of orders-0 under 200 records/s and bring it back 15 s later; then add 400 ms of latency between the clients and broker-1.',
    seed: 42,
    durationMs: 60_000,
    environment: {
      name: 'local-3',
      brokers: 3,
      brokerIds: [1, 2, 3],
      kafka: '4.1.0',
      topics: ['orders', 'orders-processed', ...(hostile ? [HOSTILE.script] : [])],
      partitions: { orders: 3, 'orders-processed': 3 },
      minIsr: { orders: 2, 'orders-processed': 2 },
    },
    judged: [{ input: ['orders'], output: 'orders-processed', idHeader: 'sc-id' }],
    groups: [
      { group: 'streamchaos-processor-orders', topic: 'orders' },
      { group: names.group, topic: 'orders-processed' },
    ],
    producers: [
      {
        name: 'orders-producer',
        topic: 'orders',
        rate: 200,
        keys: 50,
        payloadBytes: 256,
        acks: 'all',
        idempotent: true,
        transactional: false,
        instances: 1,
        partitions: 3,
        alsoIdHeader: 'sc-id',
        client: 'librdkafka',
      },
    ],
    processor: {
      input: 'orders',
      output: 'orders-processed',
      instances: 2,
      mode: 'transactional',
      group: 'streamchaos-processor-orders',
      idHeader: 'sc-id',
      outputPartitions: 3,
      client: 'librdkafka',
    },
    consumers: [{ name: 'audit', topic: 'orders-processed', group: names.group, instances: 1, client: 'librdkafka' }],
    timeline: [
      { index: 0, name: names.kill, kind: 'broker-kill', atMs: 15_000, healAtMs: 30_000, target: 'leader of orders-0' },
      { index: 1, name: names.latency, kind: 'latency', atMs: 40_000, healAtMs: 50_000, target: 'broker-1, client links' },
    ],
    steadyState: { before: ['cluster-healthy'], after: ['cluster-healthy'] },
    slos: {
      exactlyOnce: true,
      orderedPerKey: true,
      maxIndeterminate: 200,
      maxRecoverySeconds: 3,
      maxLag: 5000,
      lagRecoveredWithinSeconds: 10,
      p99LatencyMs: 1000,
      minThroughputRatio: 0.9,
      recovery: DEFAULT_RECOVERY,
    },
    runbook: `If records were duplicated: check that the processor fences its previous owner before reading the committed offset.
If recovery is slow: look at the controller log for the leader election of orders-0 (environment/broker-N/broker.log).${hostile ? `\n${HOSTILE.attribute}` : ''}`,
  };
}

function buildChecks(names: Names, hostile: boolean): Check[] {
  return [
    { name: 'steady state before: cluster-healthy', pass: true, message: 'healthy' },
    { name: 'steady state after: cluster-healthy', pass: true, message: 'healthy' },
    { name: 'faults injected and healed', pass: true, message: '2 of 2', observed: 2, threshold: 2 },
    {
      name: 'exactly-once',
      pass: false,
      message: `11904 acked: 0 lost, 2 duplicated, 0 corrupted, 0 failed-but-present, 0 unexpected; 107 indeterminate (92 present once)${hostile ? ` ${HOSTILE.attribute}` : ''}`,
      observed: 2,
      threshold: 0,
    },
    { name: 'order per key', pass: true, message: '0 records out of send order', observed: 0, threshold: 0 },
    { name: 'indeterminate sends', pass: true, message: '107 sends with unknown outcome (at most 200)', observed: 107, threshold: 200 },
    {
      name: `recovery: ${names.kill}`,
      pass: false,
      message: 'recovered 3.40 s after the injection (failover) and 2.10 s after the heal; at most 3 s',
      observed: 3.4,
      threshold: 3,
    },
    { name: `recovery: ${names.latency}`, pass: true, message: 'recovered 1.30 s after the heal', observed: 1.3, threshold: 3 },
    { name: 'max consumer lag', pass: true, message: `worst group orders-processor: 2850 records`, observed: 2850, threshold: 5000 },
    { name: 'lag recovered after heal', pass: true, message: 'every group under 200 records 6.00 s after the heal', observed: 6, threshold: 10 },
    { name: 'p99 latency', pass: false, blocking: false, message: 'p99 end-to-end latency 1210 ms over 1000 ms', observed: 1210, threshold: 1000 },
    { name: 'throughput ratio', pass: true, message: '93.0% of the offered records acknowledged', observed: 0.93, threshold: 0.9 },
    { name: 'no unclean leader election', pass: true, message: 'none in the controller logs', observed: 0, threshold: 0 },
  ];
}

function buildExactlyOnce(hostile: boolean): ExactlyOnceResult {
  return {
    pass: false,
    sent: 12_011,
    acked: 11_904,
    failed: 0,
    indeterminate: 107,
    read: 11_998,
    lost: 0,
    duplicated: 2,
    extraCopies: 2,
    reordered: 0,
    corrupted: 0,
    failedButPresent: 0,
    unexpected: 0,
    indeterminatePresent: 92,
    indeterminateAbsent: 15,
    samples: {
      lost: [],
      duplicated: ['orders-producer-1:3012', hostile ? `${HOSTILE.script}:3013` : 'orders-producer-1:3013'],
      reordered: [],
      corrupted: [],
      failedButPresent: [],
      unexpected: [],
    },
  };
}

function buildMeasurements(names: Names): Measurements {
  const faults: FaultRecovery[] = [
    {
      index: 0,
      name: names.kill,
      kind: 'broker-kill',
      target: 'broker-2',
      injectedAt: at(15),
      healedAt: at(30),
      impacted: true,
      failoverSeconds: 3.4,
      recoveredAfterHealSeconds: 2.1,
      recoveredAt: at(32.1),
      outageSeconds: 17.1,
      recoverySeconds: 3.4,
      minThroughputRatio: 0,
      isrFullAfterHealSeconds: 4.5,
      maxLag: 2850,
      lagRecoveredAfterHealSeconds: 6,
    },
    {
      index: 1,
      name: names.latency,
      kind: 'latency',
      target: 'broker-1 (links: client-to-broker-1)',
      injectedAt: at(40),
      healedAt: at(50),
      impacted: true,
      recoveredAfterHealSeconds: 1.3,
      recoveredAt: at(51.3),
      outageSeconds: 11.3,
      recoverySeconds: 1.3,
      minThroughputRatio: 0.55,
      isrFullAfterHealSeconds: 0,
      maxLag: 900,
      lagRecoveredAfterHealSeconds: 3.2,
    },
  ];
  return {
    loadStart: T0,
    loadStop: at(60),
    offeredPerSecond: 200,
    baseline: { recordsPerSecond: 199.6, from: at(2), to: at(15) },
    throughputRatio: 0.93,
    throughput: seconds(0, 59).map((s) => ({ time: at(s), acked: acked(s), errors: ERRORS[s] ?? 0 })),
    latency: seconds(0, 59).map((s) => ({ time: at(s), count: acked(s), ...latencyAt(s) })),
    latencySummary: {
      overall: { count: 11_904, p50: 6, p95: 240, p99: 1210, max: 30_412 },
      steady: { count: 8400, p50: 5, p95: 12, p99: 21, max: 48 },
      fault: { count: 2330, p50: 810, p95: 2950, p99: 3400, max: 30_412 },
      recovery: { count: 1174, p50: 12, p95: 410, p99: 780, max: 1020 },
      unseen: 0,
    },
    lag: seconds(0, 59).flatMap((s) => [
      { time: at(s + 0.5), group: 'orders-processor', total: processorLag(s) },
      { time: at(s + 0.5), group: names.group, total: Math.round(processorLag(s - 2) * 0.4) + 4 },
    ]),
    maxLag: 2850,
    cluster: seconds(-3, 60).map((s) => ({
      time: at(s + 0.25),
      liveBrokers: s >= 15 && s < 30 ? 2 : 3,
      underReplicated: s >= 15 && s < 34 ? 4 : 0,
      offline: s === 15 ? 1 : 0,
      minIsr: s >= 15 && s < 34 ? 2 : 3,
      controller: 1,
      processorsAlive: 2,
    })),
    faults,
    events: [
      { time: at(-4), kind: 'phase', name: 'setup' },
      { time: at(-3.2), kind: 'probe', name: 'steady-state before: cluster-healthy' },
      { time: at(0), kind: 'load', name: 'start' },
      { time: at(15), kind: 'fault-start', name: names.kill, target: 'broker-2' },
      { time: at(15.01), kind: 'node-down', name: 'broker-2', target: 'broker-2' },
      { time: at(30), kind: 'fault-heal', name: names.kill, target: 'broker-2' },
      { time: at(31.6), kind: 'node-up', name: 'broker-2', target: 'broker-2' },
      { time: at(40), kind: 'fault-start', name: names.latency, target: 'broker-1 (links: client-to-broker-1)' },
      { time: at(50), kind: 'fault-heal', name: names.latency, target: 'broker-1 (links: client-to-broker-1)' },
      { time: at(60), kind: 'load', name: 'stop' },
      { time: at(61), kind: 'phase', name: 'drain' },
      { time: at(64.5), kind: 'probe', name: 'steady-state after: cluster-healthy' },
      { time: at(66), kind: 'note', name: `verifier read orders-processed to the end`, target: names.group },
    ],
  };
}

function buildFaultOutcomes(recoveries: readonly FaultRecovery[]): FaultOutcomeSummary[] {
  const [kill, latency] = recoveries;
  return [
    {
      index: 0,
      name: kill?.name ?? '',
      kind: 'broker-kill',
      target: 'broker-2',
      injectedAt: at(15),
      healedAt: at(30),
      effect: {
        index: 0,
        name: kill?.name ?? '',
        target: 'broker-2',
        leaderChanges: 3,
        minIsr: 2,
        maxUnderReplicated: 4,
        brokersLost: [2],
        isrRestoredAfterHealSeconds: 4.5,
      },
      ...(kill === undefined ? {} : { recovery: kill }),
    },
    {
      index: 1,
      name: latency?.name ?? '',
      kind: 'latency',
      target: 'broker-1 (links: client-to-broker-1)',
      injectedAt: at(40),
      healedAt: at(50),
      effect: { index: 1, name: latency?.name ?? '', leaderChanges: 0, minIsr: 3, maxUnderReplicated: 0, brokersLost: [], isrRestoredAfterHealSeconds: 0 },
      ...(latency === undefined ? {} : { recovery: latency }),
    },
  ];
}

const ERRORS: Record<number, number> = { 15: 35, 16: 60, 17: 12, 30: 4 };
const DIP: Record<number, number> = { 15: 24, 16: 0, 17: 10, 18: 150, 19: 380, 20: 260, 30: 120, 31: 150, 32: 230, 51: 240, 52: 215 };

function acked(s: number): number {
  if (DIP[s] !== undefined) return DIP[s];
  if (s >= 40 && s < 50) return 108 + ((s * 13) % 9);
  return 196 + ((s * 37) % 9);
}

function latencyAt(s: number): { p50: number; p95: number; p99: number; max: number } {
  if (s === 15) return { p50: 2900, p95: 3200, p99: 3300, max: 30_412 };
  if (s >= 16 && s <= 17) return { p50: 1400, p95: 2900, p99: 3100, max: 3400 };
  if (s >= 30 && s <= 31) return { p50: 40, p95: 410, p99: 600, max: 900 };
  if (s >= 40 && s < 50) return { p50: 810 + (s % 3) * 10, p95: 880, p99: 1100, max: 1400 };
  return { p50: 5 + (s % 2), p95: 12, p99: 18 + (s % 4), max: 30 + ((s * 7) % 18) };
}

function processorLag(s: number): number {
  if (s >= 15 && s <= 18) return [700, 1600, 2400, 2850][s - 15] ?? 0;
  if (s > 18 && s < 25) return Math.round(2850 * (1 - (s - 18) / 6)) + 40;
  if (s >= 30 && s <= 33) return [180, 400, 260, 90][s - 30] ?? 0;
  if (s >= 40 && s < 50) return 300 + (s - 40) * 60;
  if (s >= 50 && s < 54) return [900, 500, 180, 60][s - 50] ?? 0;
  return 20 + ((s * 29) % 40);
}

function seconds(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function experimentFile(name: string, hostile: boolean): string {
  return `# Gameday: the leader of orders-0 crashes under load, then clients see latency to broker-1.
name: ${name}
environment: ../environments/local-3.yaml
seed: 42
duration: 60s
workload:
  producers:
    - name: orders-producer
      topic: orders
      rate: 200
      keys: 50
  processor:
    input: orders
    output: orders-processed
    instances: 2
timeline:
  - name: crash the leader of orders-0
    at: 15s
    duration: 15s
    kind: broker-kill
    target: leader of orders-0
  - name: latency 400 ms between clients and broker-1
    at: 40s
    duration: 10s
    kind: latency
    latencyMs: 400
slos:
  exactlyOnce: true
  maxRecoverySeconds: 3
  p99LatencyMs: 1000
${hostile ? `# </pre>${HOSTILE.pwnScript}${HOSTILE.pwnImage}\n` : ''}`;
}
