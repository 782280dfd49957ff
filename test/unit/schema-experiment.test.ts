import { problems } from '../helpers/experiment-problems.js';
import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { ExperimentSpec, FaultSpec } from '../../src/schema/experiment.js';
import { loadExperiment, parseExperiment } from '../../src/schema/load-experiment.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/experiments/${name}`, import.meta.url));
const localThree = fileURLToPath(new URL('../../environments/local-3.yaml', import.meta.url));

const PRODUCER_DEFAULTS = { keys: 100, payloadBytes: 256, acks: 'all', idempotent: true, instances: 1, client: 'kafkajs' } as const;

/** An experiment on an inline one-broker environment with topics `in` and `out`, plus `rest` (YAML lines). */
const inline = (...rest: string[]): string =>
  [
    'environment: {brokers: {count: 3}, topics: [{name: in, partitions: 3, replicationFactor: 3}, {name: out, partitions: 1, replicationFactor: 1}]}',
    'workload: {producers: [{topic: in, rate: 10}]}',
    ...rest,
  ].join('\n');

describe('defaults', () => {
  it('fills in everything but the environment, the duration and the producers', async () => {
    const spec = await loadExperiment(fixture('minimal.yaml'));
    const { environment, ...rest } = spec;
    expect(rest).toEqual({
      name: 'minimal',
      file: fixture('minimal.yaml'),
      environmentFile: localThree,
      seed: 1,
      durationMs: 30_000,
      workload: { producers: [{ name: 'producer-1', topic: 'orders', rate: 100, ...PRODUCER_DEFAULTS }], drainMs: 60_000 },
      timeline: [],
      steadyState: { before: ['cluster-healthy'], after: ['cluster-healthy'] },
      slos: { exactlyOnce: true, orderedPerKey: false, recovery: { throughputRatio: 0.8, holdSeconds: 3, lagBelow: 200 } },
    } satisfies Omit<ExperimentSpec, 'environment'>);
    expect(environment.name).toBe('local-3');
    expect(environment.topics.map((t) => t.name)).toEqual(['orders', 'orders-processed']);
  });

  it('fills in a processor, partly written sections, and fault parameters', async () => {
    const spec = await parseExperiment(
      inline(
        'duration: 60',
        'workload: {producers: [{topic: in, rate: 10}], processor: {input: in, output: out}}',
        'steadyState: {after: [min-isr-met]}',
        'slos: {orderedPerKey: true}',
        'timeline:',
        '  - {at: 1, kind: latency, target: broker-1, latency: 5ms}',
        '  - {at: 2, kind: rolling-restart}',
        '  - {at: 3, kind: reset-peer, target: broker-2}',
        '  - {at: 4, kind: slicer, target: broker-2, averageSize: 10}',
        '  - {at: 5, kind: isolate, target: broker-3}',
      ).replace(/^workload: \{producers: \[\{topic: in, rate: 10\}\]\}\n/m, ''),
      'x.yaml',
    );
    expect(spec.workload.processor).toEqual({ client: 'kafkajs', input: 'in', output: 'out', instances: 2, mode: 'exactly-once', idHeader: 'sc-id' });
    expect(spec.steadyState).toEqual({ before: ['cluster-healthy'], after: ['min-isr-met'] });
    expect(spec.slos).toEqual({ exactlyOnce: true, orderedPerKey: true, recovery: { throughputRatio: 0.8, holdSeconds: 3, lagBelow: 200 } });
    expect(spec.timeline).toEqual([
      { name: 'latency broker-1', atMs: 1000, healAtMs: 60_000, kind: 'latency', target: { type: 'broker', id: 1 }, links: 'all', latencyMs: 5, jitterMs: 0 },
      { name: 'rolling-restart all brokers', atMs: 2000, kind: 'rolling-restart', target: { type: 'all-brokers' }, intervalMs: 10_000 },
      { name: 'reset-peer broker-2', atMs: 3000, healAtMs: 60_000, kind: 'reset-peer', target: { type: 'broker', id: 2 }, links: 'all', timeoutMs: 0 },
      {
        name: 'slicer broker-2',
        atMs: 4000,
        healAtMs: 60_000,
        kind: 'slicer',
        target: { type: 'broker', id: 2 },
        links: 'all',
        averageSize: 10,
        sizeVariation: 0,
        delayUs: 0,
      },
      { name: 'isolate broker-3', atMs: 5000, healAtMs: 60_000, kind: 'isolate', target: { type: 'broker', id: 3 }, from: 'everyone' },
    ] satisfies FaultSpec[]);
  });

  it('names the experiment after its file, and an inline environment after the experiment', async () => {
    const spec = await parseExperiment(inline('duration: 10'), 'some/dir/night run.yaml');
    expect(spec.name).toBe('night-run');
    expect(spec.environment.name).toBe('night-run');
    expect(spec.environmentFile).toBeUndefined();
    const named = await parseExperiment(inline('duration: 10', 'name: lab'), 'x.yaml');
    expect([named.name, named.environment.name]).toEqual(['lab', 'lab']);
  });
});

describe('good files', () => {
  it('reads every field, with the environment inline', async () => {
    const spec = await loadExperiment(fixture('good-inline-environment.yaml'));
    expect(spec).toEqual({
      name: 'inline-demo',
      description: 'A processor pipeline on one broker, with a pause.',
      file: fixture('good-inline-environment.yaml'),
      environment: {
        name: 'inline-demo',
        runtime: 'process',
        kafka: { version: '4.3.1' },
        brokers: { count: 1, heap: '512m', jvmOptions: [], config: {} },
        ports: { base: 29000 },
        topics: [
          { name: 'in', partitions: 3, replicationFactor: 1, config: {} },
          { name: 'out', partitions: 3, replicationFactor: 1, config: {} },
        ],
      },
      seed: 42,
      durationMs: 90_000,
      workload: {
        producers: [
          {
            name: 'in-producer',
            topic: 'in',
            rate: 250.5,
            keys: 50,
            payloadBytes: 1024,
            acks: 'all',
            idempotent: true,
            transactions: { recordsPerTransaction: 10 },
            instances: 2,
            client: 'kafkajs',
          },
          { name: 'producer-2', topic: 'in', rate: 10, keys: 100, payloadBytes: 256, acks: 'leader', idempotent: false, instances: 1, client: 'kafkajs' },
        ],
        processor: {
          input: 'in',
          output: 'out',
          instances: 3,
          mode: 'at-least-once',
          command: ['node', 'my-processor.js', '--fast'],
          idHeader: 'x-id',
          client: 'kafkajs',
        },
        drainMs: 120_000,
      },
      timeline: [
        { name: 'broker-pause broker-1', atMs: 10_000, healAtMs: 10_250, kind: 'broker-pause', target: { type: 'broker', id: 1 } },
        { name: 'pause a processor', atMs: 40_000, healAtMs: 50_000, kind: 'processor-pause', target: { type: 'processor', instance: 3 } },
      ],
      steadyState: { before: ['cluster-healthy', 'all-brokers-up'], after: ['min-isr-met'] },
      slos: { exactlyOnce: false, orderedPerKey: true, maxIndeterminate: 100, recovery: { throughputRatio: 0.8, holdSeconds: 3, lagBelow: 200 } },
      runbook: "Look at the processor's lag first.\n",
    } satisfies ExperimentSpec);
  });

  it('loads an environment file named relative to the experiment file', async () => {
    const spec = await loadExperiment(fixture('good-environment-file.yaml'));
    expect(spec.environmentFile).toBe(fixture('envs/one-broker.yaml'));
    expect(spec.environment).toEqual({
      name: 'one-broker',
      runtime: 'process',
      kafka: { version: '4.3.1' },
      brokers: { count: 1, heap: '512m', jvmOptions: [], config: {} },
      ports: { base: 29000 },
      topics: [{ name: 'events', partitions: 2, replicationFactor: 1, config: {} }],
    });
    expect(spec.timeline).toEqual([
      { name: 'broker-kill leader of events-1', atMs: 5000, healAtMs: 10_000, kind: 'broker-kill', target: { type: 'leader', topic: 'events', partition: 1 } },
    ]);
  });

  it('reads every fault kind', async () => {
    const spec = await loadExperiment(fixture('every-kind.yaml'));
    const window = (at: number, heal: number) => ({ atMs: at * 1000, healAtMs: heal * 1000 });
    const broker = (id: number) => ({ type: 'broker', id }) as const;
    expect(spec.timeline).toEqual([
      { name: 'broker-kill broker-1', ...window(10, 20), kind: 'broker-kill', target: broker(1) },
      { name: 'broker-terminate controller', ...window(30, 40), kind: 'broker-terminate', target: { type: 'controller' } },
      { name: 'broker-pause follower of orders-5', ...window(50, 60), kind: 'broker-pause', target: { type: 'follower', topic: 'orders', partition: 5 } },
      { name: 'broker-restart coordinator of group my-group', atMs: 70_000, kind: 'broker-restart', target: { type: 'group-coordinator', group: 'my-group' } },
      { name: 'rolling-restart all brokers', atMs: 80_000, kind: 'rolling-restart', target: { type: 'all-brokers' }, intervalMs: 5000 },
      { name: 'processor-kill processor-2', ...window(120, 125), kind: 'processor-kill', target: { type: 'processor', instance: 2 } },
      { name: 'processor-pause random processor', ...window(130, 135), kind: 'processor-pause', target: { type: 'random-processor' } },
      {
        name: 'latency random broker',
        ...window(140, 150),
        kind: 'latency',
        target: { type: 'random-broker' },
        links: 'clients',
        latencyMs: 100,
        jitterMs: 20,
      },
      { name: 'bandwidth broker-2', ...window(160, 170), kind: 'bandwidth', target: broker(2), links: 'all', rateKBps: 64 },
      { name: 'blackhole broker-3', ...window(180, 190), kind: 'blackhole', target: broker(3), links: 'peers' },
      {
        name: 'reset-peer coordinator of transaction tx-1',
        ...window(200, 210),
        kind: 'reset-peer',
        target: { type: 'transaction-coordinator', transactionalId: 'tx-1' },
        links: 'all',
        timeoutMs: 1000,
      },
      { name: 'slow-close broker-1', ...window(220, 230), kind: 'slow-close', target: broker(1), links: 'all', delayMs: 2000 },
      { name: 'slicer broker-1', ...window(240, 250), kind: 'slicer', target: broker(1), links: 'all', averageSize: 64, sizeVariation: 32, delayUs: 1000 },
      { name: 'limit-data broker-2', ...window(260, 270), kind: 'limit-data', target: broker(2), links: 'all', bytes: 100_000 },
      { name: 'isolate leader of orders-0', ...window(280, 290), kind: 'isolate', target: { type: 'leader', topic: 'orders', partition: 0 }, from: 'peers' },
      { name: 'split {1} | {2,3}', ...window(300, 310), kind: 'split', groups: [[1], [2, 3]] },
      { name: 'cut clients → broker-3', ...window(320, 600), kind: 'cut', from: { type: 'clients' }, to: broker(3) },
    ] satisfies FaultSpec[]);
  });
});

describe('timeline', () => {
  it('sorts faults by start, keeping the file order of faults that start together', async () => {
    const spec = await parseExperiment(
      inline(
        'duration: 60',
        'timeline:',
        '  - {name: c, at: 20, kind: blackhole, target: broker-1}',
        '  - {name: a, at: 10, kind: blackhole, target: broker-2}',
        '  - {name: b, at: 10, kind: blackhole, target: broker-3}',
      ),
      'x.yaml',
    );
    expect(spec.timeline.map((f) => [f.name, f.atMs])).toEqual([
      ['a', 10_000],
      ['b', 10_000],
      ['c', 20_000],
    ]);
  });

  it('lets faults on one node follow each other, and faults on other nodes or network faults on unnamed nodes overlap', async () => {
    // a restart holds its node 10 s (fault-overlap.ts); a node fault on a random broker may be any broker, so it may not overlap one
    const spec = await parseExperiment(
      inline(
        'duration: 60',
        'timeline:',
        '  - {at: 10, duration: 10, kind: broker-kill, target: broker-1}',
        '  - {at: 20, kind: broker-restart, target: broker-1}',
        '  - {at: 30, healAt: 40, kind: broker-pause, target: broker-1}',
        '  - {at: 15, kind: broker-kill, target: broker-2}',
        '  - {at: 15, kind: latency, target: random broker, latency: 1s}',
        '  - {at: 15, kind: latency, target: broker-1, latency: 1s}',
      ),
      'x.yaml',
    );
    expect(spec.timeline).toHaveLength(6);
  });

  it('reports an instant fault inside the window of a fault on the same node', async () => {
    expect(
      await problems(
        inline('duration: 60', 'timeline:', '  - {at: 10, kind: broker-kill, target: broker-1}', '  - {at: 59, kind: broker-restart, target: broker-1}'),
      ),
    ).toEqual([
      "x.yaml:6:44: timeline[1].target: overlaps timeline[0] ('broker-kill broker-1', from 10s to 1m) on broker-1: faults on the same node cannot overlap in time",
    ]);
  });

  it('accepts healAt at the very end, and rejects a fault that starts when load stops', async () => {
    expect(
      (await parseExperiment(inline('duration: 60', 'timeline: [{at: 0, healAt: 1m, kind: blackhole, target: broker-1}]'), 'x.yaml')).timeline[0]?.healAtMs,
    ).toBe(60_000);
    expect(await problems(inline('duration: 60', 'timeline: [{at: 1m, kind: blackhole, target: broker-1}]'))).toEqual([
      "x.yaml:4:17: timeline[0].at: starts at 1m, when load has already stopped: a fault must start before the experiment's duration (1m) ends",
    ]);
  });
});
