import { describe, expect, it } from 'vitest';
import { InvalidInputError, formatIssue } from '../../src/errors.js';
import type { Collector } from '../../src/schema/collector.js';
import type { EnvironmentSpec, FaultSpec, TargetRule } from '../../src/schema/experiment.js';
import { noOverlap, RESTART_HOLD_MS } from '../../src/schema/fault-overlap.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';

/** An experiment on an inline 3-broker environment, with a processor of 2 instances when `processor`, and these timeline lines. */
function experiment(faults: string[], o: { processor?: boolean; brokers?: number } = {}): string {
  return [
    `environment: {brokers: {count: ${o.brokers ?? 3}}, topics: [{name: in, partitions: 3, replicationFactor: ${Math.min(3, o.brokers ?? 3)}}, {name: out, partitions: 3, replicationFactor: ${Math.min(3, o.brokers ?? 3)}}]}`,
    `workload: {producers: [{topic: in, rate: 10}]${o.processor === true ? ', processor: {input: in, output: out, instances: 2}' : ''}}`,
    'duration: 2m',
    'timeline:',
    ...faults.map((f) => `  - ${f}`),
  ].join('\n');
}

/** The problems of the timeline (`<line>: <path>: <message>`), or [] when it is valid. */
async function problems(faults: string[], o: { processor?: boolean; brokers?: number } = {}): Promise<string[]> {
  try {
    await parseExperiment(experiment(faults, o), 'x.yaml');
    return [];
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map((i) => formatIssue({ ...i, file: 'x.yaml', column: undefined }));
    throw error;
  }
}

const SAME_NODE = 'faults on the same node cannot overlap in time';
const RANDOM = 'a random broker may be any broker (the seed draws it, and --seed draws another)';

describe('the overlap rule judges what a fault can reach', () => {
  it('keeps refusing two faults on one named node at once, with the message it always had', async () => {
    expect(
      await problems(['{at: 10s, duration: 20s, kind: broker-kill, target: broker-2}', '{at: 20s, duration: 5s, kind: broker-pause, target: broker-2}']),
    ).toEqual([`x.yaml:6: timeline[1].target: overlaps timeline[0] ('broker-kill broker-2', from 10s to 30s) on broker-2: ${SAME_NODE}`]);
  });

  it('refuses a random broker that may be drawn onto a broker another fault holds (a kill of a killed broker)', async () => {
    expect(
      await problems(['{at: 10s, duration: 20s, kind: broker-kill, target: broker-2}', '{at: 15s, duration: 5s, kind: broker-kill, target: random broker}']),
    ).toEqual([
      `x.yaml:6: timeline[1].target: overlaps timeline[0] ('broker-kill broker-2', from 10s to 30s) and may act on the same broker (broker-2): ${RANDOM}; ${SAME_NODE} (to stop two brokers at once, name them: broker-1, broker-2)`,
    ]);
  });

  it('refuses two random brokers at once (both may draw the same), whichever the file’s seed draws', async () => {
    for (const seed of [1, 2, 3, 42]) {
      const found = await problems([
        `{at: 10s, duration: 20s, kind: broker-pause, target: random broker}`,
        `{at: 11s, duration: 5s, kind: broker-terminate, target: random broker, name: 'seed ${seed}'}`,
      ]);
      expect(found).toEqual([
        expect.stringContaining(
          `x.yaml:6: timeline[1].target: overlaps timeline[0] ('broker-pause random broker', from 10s to 30s) and may act on the same broker (broker-1): ${RANDOM}`,
        ),
      ]);
    }
  });

  it.each([
    ['leader of in-0', 'the leader of in-0 may be any broker when the fault begins'],
    ['follower of in-1', 'a follower of in-1 may be any broker when the fault begins'],
    ['controller', 'the active controller may be any broker when the fault begins'],
    ['coordinator of group g', 'the coordinator of group g may be any broker when the fault begins'],
    ['coordinator of transaction tx', 'the coordinator of transaction tx may be any broker when the fault begins'],
  ])('refuses a role target (%s) while a named broker is down: the role may be that broker', async (role, why) => {
    expect(
      await problems(['{at: 10s, duration: 20s, kind: broker-kill, target: broker-3}', `{at: 20s, duration: 5s, kind: broker-kill, target: ${role}}`]),
    ).toEqual([
      `x.yaml:6: timeline[1].target: overlaps timeline[0] ('broker-kill broker-3', from 10s to 30s) and may act on the same broker (broker-3): ${why}; ${SAME_NODE} (to stop two brokers at once, name them: broker-1, broker-2)`,
    ]);
  });

  it('reports the fault that begins later, whichever comes first in the file', async () => {
    expect(
      await problems(['{at: 20s, duration: 5s, kind: broker-kill, target: controller}', '{at: 10s, duration: 20s, kind: broker-kill, target: broker-3}']),
    ).toEqual([
      expect.stringMatching(
        /^x\.yaml:5: timeline\[0\]\.target: overlaps timeline\[1\] \('broker-kill broker-3', from 10s to 30s\) and may act on the same broker \(broker-3\)/,
      ),
    ]);
  });

  it('refuses a kill inside a rolling restart, and a rolling restart while a broker is down', async () => {
    const roll = '{at: 10s, kind: rolling-restart, target: all brokers, interval: 5s}';
    // 3 brokers: 10 s each and two intervals of 5 s: 10s to 50s
    expect(await problems([roll, '{at: 40s, duration: 5s, kind: broker-kill, target: broker-1}'])).toEqual([
      `x.yaml:6: timeline[1].target: overlaps timeline[0] ('rolling-restart all brokers', from 10s, restarting one broker after another until about 50s) on broker-1: ${SAME_NODE}`,
    ]);
    expect(await problems([roll, '{at: 50s, duration: 5s, kind: broker-kill, target: broker-1}'])).toEqual([]);
    expect(await problems(['{at: 5s, duration: 10s, kind: broker-pause, target: broker-2}', roll])).toEqual([
      `x.yaml:6: timeline[1].target: overlaps timeline[0] ('broker-pause broker-2', from 5s to 15s) on broker-2: ${SAME_NODE}`,
    ]);
    expect(await problems([roll, '{at: 30s, kind: rolling-restart, target: random broker}'])).toEqual([
      expect.stringContaining('may act on the same broker (broker-1)'),
    ]);
  });

  it(`refuses restarts within one another: a restart holds its node ${RESTART_HOLD_MS / 1000} s`, async () => {
    expect(
      await problems([
        '{at: 10s, kind: broker-restart, target: broker-1}',
        '{at: 10001ms, kind: broker-restart, target: broker-1}',
        '{at: 10002ms, kind: broker-restart, target: broker-1}',
      ]),
    ).toEqual([
      `x.yaml:6: timeline[1].target: overlaps timeline[0] ('broker-restart broker-1', at 10s; a restart holds its node 10s) on broker-1: ${SAME_NODE}`,
      `x.yaml:7: timeline[2].target: overlaps timeline[0] ('broker-restart broker-1', at 10s; a restart holds its node 10s) on broker-1: ${SAME_NODE}`,
    ]);
    expect(await problems(['{at: 10s, kind: broker-restart, target: broker-1}', '{at: 15s, duration: 5s, kind: broker-kill, target: broker-1}'])).toEqual([
      expect.stringContaining("timeline[1].target: overlaps timeline[0] ('broker-restart broker-1', at 10s; a restart holds its node 10s) on broker-1"),
    ]);
    // one after the other is fine: at run time a fault waits for the faults planned to be over before it
    expect(
      await problems([
        '{at: 10s, kind: broker-restart, target: broker-1}',
        '{at: 20s, kind: broker-restart, target: broker-1}',
        '{at: 30s, duration: 5s, kind: broker-kill, target: broker-1}',
      ]),
    ).toEqual([]);
    expect(await problems(['{at: 10s, kind: broker-restart, target: broker-1}', '{at: 11s, kind: broker-restart, target: broker-2}'])).toEqual([]);
  });

  it('refuses a random processor while a named one is held, and lets two named processors overlap', async () => {
    expect(
      await problems(
        ['{at: 10s, duration: 20s, kind: processor-pause, target: processor-2}', '{at: 12s, duration: 5s, kind: processor-kill, target: random processor}'],
        { processor: true },
      ),
    ).toEqual([
      "x.yaml:6: timeline[1].target: overlaps timeline[0] ('processor-pause processor-2', from 10s to 30s) and may act on the same processor (processor-2): a random processor may be any instance (the seed draws it, and --seed draws another); faults on the same node cannot overlap in time (to stop two processors at once, name them: processor-1, processor-2)",
    ]);
    expect(
      await problems(
        ['{at: 10s, duration: 20s, kind: processor-pause, target: processor-2}', '{at: 12s, duration: 5s, kind: processor-kill, target: processor-1}'],
        { processor: true },
      ),
    ).toEqual([]);
    // a processor and a broker are different nodes, whatever the targets
    expect(
      await problems(
        ['{at: 10s, duration: 20s, kind: processor-pause, target: random processor}', '{at: 12s, duration: 5s, kind: broker-kill, target: random broker}'],
        { processor: true },
      ),
    ).toEqual([]);
  });

  it('allows what may overlap on purpose: named distinct brokers, network faults with node faults, toxics stacked on one link', async () => {
    expect(
      await problems([
        '{at: 10s, duration: 20s, kind: broker-kill, target: broker-1}',
        '{at: 15s, duration: 20s, kind: broker-kill, target: broker-2}',
        '{at: 12s, duration: 5s, kind: latency, target: broker-1, latency: 100ms}',
        '{at: 12s, duration: 5s, kind: bandwidth, target: random broker, rate: 64}',
        '{at: 13s, duration: 5s, kind: blackhole, target: leader of in-0, links: peers}',
        '{at: 14s, duration: 5s, kind: isolate, target: broker-1, from: clients}',
        '{at: 14s, duration: 5s, kind: slicer, target: broker-1, averageSize: 64}',
      ]),
    ).toEqual([]);
  });

  it('refuses two partitions that may cut one link at once: the first heal would restore it', async () => {
    expect(
      await problems([
        '{at: 10s, duration: 20s, kind: isolate, target: broker-2, from: peers}',
        '{at: 20s, duration: 20s, kind: split, groups: [[1], [2, 3]]}',
      ]),
    ).toEqual([
      "x.yaml:6: timeline[1].groups: overlaps timeline[0] ('isolate broker-2', from 10s to 30s) and cuts the same link (broker-2 → broker-1); the first to heal would restore it while the other still cuts it: cut these links in one fault (one split or isolate), or one after the other",
    ]);
    expect(
      await problems([
        '{at: 10s, duration: 20s, kind: isolate, target: leader of in-0, from: clients}',
        '{at: 20s, duration: 5s, kind: cut, from: clients, to: broker-3}',
      ]),
    ).toEqual([
      "x.yaml:6: timeline[1].to: overlaps timeline[0] ('isolate leader of in-0', from 10s to 30s) and may cut the same link (clients → broker-3): the leader of in-0 may be any broker when the fault begins; the first to heal would restore it while the other still cuts it: cut these links in one fault (one split or isolate), or one after the other",
    ]);
    // different links of one broker, and one-way cuts in opposite directions, are different links
    expect(
      await problems([
        '{at: 10s, duration: 20s, kind: isolate, target: broker-2, from: clients}',
        '{at: 15s, duration: 5s, kind: isolate, target: broker-2, from: peers}',
      ]),
    ).toEqual([]);
    expect(
      await problems(['{at: 10s, duration: 20s, kind: cut, from: broker-1, to: broker-2}', '{at: 15s, duration: 5s, kind: cut, from: broker-2, to: broker-1}']),
    ).toEqual([]);
    // one after the other is fine
    expect(await problems(['{at: 10s, duration: 10s, kind: isolate, target: broker-2}', '{at: 20s, duration: 5s, kind: isolate, target: broker-2}'])).toEqual(
      [],
    );
  });

  it('stays linear: 20,000 faults in turn on three brokers, and 20,000 on one broker all at once, are checked in a blink', () => {
    const env = { runtime: 'process', brokers: { count: 3 } } as unknown as EnvironmentSpec;
    const issues: string[] = [];
    const c = { add: (_path: unknown, message: string) => issues.push(message) } as unknown as Collector;
    const inTurn: FaultSpec[] = Array.from({ length: 20_000 }, (_, i) => ({
      name: `pause ${i}`,
      atMs: i * 50,
      healAtMs: i * 50 + 40,
      kind: 'broker-pause',
      target: { type: 'broker', id: (i % 3) + 1 },
    }));
    const atOnce: FaultSpec[] = Array.from({ length: 20_000 }, (_, i) => ({
      name: `kill ${i}`,
      atMs: 0,
      healAtMs: 1000,
      kind: 'broker-kill',
      target: { type: 'random-broker' },
    }));
    noOverlap(c, inTurn, { env, processors: 'none' });
    expect(issues).toEqual([]);
    noOverlap(c, atOnce, { env, processors: 'none' });
    expect(issues).toHaveLength(19_999);
  });
});

describe('the overlap rule with an environment it cannot read (invalid elsewhere)', () => {
  const check = (faults: FaultSpec[]): string[] => {
    const issues: string[] = [];
    noOverlap({ add: (_path: unknown, message: string) => issues.push(message) } as unknown as Collector, faults, { env: undefined, processors: undefined });
    return issues;
  };
  const kill = (target: TargetRule, atMs: number): FaultSpec => ({ name: 'k', atMs, healAtMs: atMs + 10_000, kind: 'broker-kill', target });

  it('still judges a random or role target as reaching any broker, and named ones by name', () => {
    expect(check([kill({ type: 'broker', id: 2 }, 0), kill({ type: 'random-broker' }, 5000)])).toEqual([
      expect.stringContaining('may act on the same broker (broker-2)'),
    ]);
    expect(check([kill({ type: 'controller' }, 0), kill({ type: 'random-broker' }, 5000)])).toEqual([
      expect.stringContaining('may act on the same broker (broker-*)'),
    ]);
    expect(check([kill({ type: 'broker', id: 1 }, 0), kill({ type: 'broker', id: 2 }, 5000)])).toEqual([]);
    expect(check([kill({ type: 'controller' }, 0), { name: 'p', atMs: 1, healAtMs: 2, kind: 'processor-kill', target: { type: 'random-processor' } }])).toEqual(
      [],
    );
  });
});
