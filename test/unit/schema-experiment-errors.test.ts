import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, formatIssue } from '../../src/errors.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixture = (name: string): string => `${fixtures}experiments/${name}`;

/** The problems parseExperiment reports for a fixture, as the user sees them, with paths relative to test/fixtures. */
async function problems(name: string): Promise<string[]> {
  const file = fixture(name);
  try {
    await parseExperiment(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map((i) => formatIssue({ ...i, file: relative(fixtures, i.file) }));
    throw error;
  }
  throw new Error(`${name} parsed without problems`);
}

const BROKER_FORMS =
  'broker-<id>, controller, leader of <topic>-<partition>, follower of <topic>-<partition>, coordinator of group <group-id>, coordinator of transaction <transactional-id>, random broker';
const DURATION = "a number of seconds (20) or a string like '250ms', '20s', '2m' or '1m30s'";

const cases: Array<[fixture: string, expected: string[]]> = [
  // The file as a whole
  ['empty.yaml', ['experiments/empty.yaml:1:1: the file is empty; an experiment needs at least an environment, a duration and a workload with producers']],
  [
    'not-a-mapping.yaml',
    [
      'experiments/not-a-mapping.yaml:1:1: expected a mapping of experiment fields (name, environment, duration, workload, timeline, steadyState, slos), received a list',
    ],
  ],
  [
    'multiple-documents.yaml',
    ["experiments/multiple-documents.yaml:2:1: the file holds more than one YAML document ('---'); an experiment file is a single document"],
  ],
  ['unknown-field-typo.yaml', ["experiments/unknown-field-typo.yaml:7:1: unknown field 'timline'; did you mean 'timeline'?"]],
  [
    'bad-name.yaml',
    [
      "experiments/bad-name.yaml:1:7: name: 'leader kill!' is not a valid experiment name: use up to 63 letters, digits, '.', '_' and '-', starting with a letter or digit",
    ],
  ],
  [
    'slo-problems.yaml',
    [
      'experiments/slo-problems.yaml:9:23: slos.maxRecoverySeconds: must be 0 or more (a number of seconds), got -1',
      "experiments/slo-problems.yaml:10:3: slos: unknown field 'p99Latency'; did you mean 'p99LatencyMs'?",
      'experiments/slo-problems.yaml:11:23: slos.minThroughputRatio: must be a share of the offered load, from 0 to 1, got 1.5',
      'experiments/slo-problems.yaml:13:22: slos.recovery.throughputRatio: must be a share of the pre-fault throughput, above 0 and at most 1, got 0',
      "experiments/slo-problems.yaml:14:18: slos.recovery.holdSeconds: expected a number of seconds, received string 'three'",
    ],
  ],
  [
    'lag-slo-without-consumers.yaml',
    [
      'experiments/lag-slo-without-consumers.yaml:9:11: slos.maxLag: maxLag holds the lag of a consumer group, and this workload has none: add a processor or workload.consumers, e.g. [{ topic: orders }]',
    ],
  ],
  [
    'consumer-problems.yaml',
    [
      "experiments/consumer-problems.yaml:11:13: workload.consumers[1].name: consumer 'reader' is already defined; consumer names are unique",
      "experiments/consumer-problems.yaml:14:14: workload.consumers[2].topic: topic 'order' is not in environment local-3; did you mean 'orders'?",
      'experiments/consumer-problems.yaml:16:18: workload.consumers[3].instances: must be between 1 and 8, got 0',
    ],
  ],
  [
    'steady-state-probe-typo.yaml',
    [
      "experiments/steady-state-probe-typo.yaml:8:29: steadyState.before[1]: 'min-isr' is not valid; expected 'cluster-healthy' or 'all-brokers-up' or 'min-isr-met'",
    ],
  ],
  // The environment
  [
    'missing-environment.yaml',
    [
      'experiments/missing-environment.yaml:1:1: environment: missing; expected the path of an environment file (relative to this file) or an inline environment mapping',
    ],
  ],
  [
    'environment-not-a-mapping.yaml',
    [
      'experiments/environment-not-a-mapping.yaml:1:14: environment: expected the path of an environment file (relative to this file) or an inline environment mapping, received a list',
    ],
  ],
  [
    'environment-not-found.yaml',
    [
      `experiments/environment-not-found.yaml:1:14: environment: environment file not found: ${fixture('envs/no-such-env.yaml')}; the path is relative to the experiment file's directory`,
    ],
  ],
  [
    'inline-environment-problems.yaml',
    [
      'experiments/inline-environment-problems.yaml:3:12: environment.brokers.count: must be between 1 and 9, got 0',
      "experiments/inline-environment-problems.yaml:4:5: environment.brokers: unknown field 'hepa'; did you mean 'heap'?",
    ],
  ],
  [
    'broken-environment-file.yaml',
    [
      'experiments/broken-environment-file.yaml:6:13: workload.producers[0].rate: must be more than 0 and at most 100000 records per second, got 0',
      'experiments/envs/broken.yaml:3:10: brokers.count: must be between 1 and 9, got 12',
      'experiments/envs/broken.yaml:5:5: topics[0].replicationFactor: missing; expected a whole number of at least 1',
      "experiments/envs/broken.yaml:7:5: topics[0]: unknown field 'replicationFactr'; did you mean 'replicationFactor'?",
    ],
  ],
  // Durations
  ['missing-duration.yaml', [`experiments/missing-duration.yaml:1:1: duration: missing; expected a duration: ${DURATION}`]],
  ['duration-syntax.yaml', [`experiments/duration-syntax.yaml:2:11: duration: '90 sec' is not a duration; write ${DURATION}`]],
  [
    'duration-unitless-string.yaml',
    [`experiments/duration-unitless-string.yaml:2:11: duration: '90' is not a duration; write ${DURATION}; a string needs a unit, e.g. '90s'`],
  ],
  ['duration-too-long.yaml', ['experiments/duration-too-long.yaml:2:11: duration: 1h1s is longer than the maximum of 1h']],
  // The workload
  [
    'no-producers.yaml',
    ['experiments/no-producers.yaml:4:14: workload.producers: no producers: an experiment needs at least one, e.g. [{ topic: orders, rate: 100 }]'],
  ],
  [
    'producer-unknown-topic.yaml',
    ["experiments/producer-unknown-topic.yaml:5:14: workload.producers[0].topic: topic 'ordres' is not in environment local-3; did you mean 'orders'?"],
  ],
  [
    'producer-values.yaml',
    [
      'experiments/producer-values.yaml:6:13: workload.producers[0].rate: must be more than 0 and at most 100000 records per second, got 200000',
      'experiments/producer-values.yaml:7:13: workload.producers[0].keys: must be between 1 and 1000000, got 0',
      'experiments/producer-values.yaml:8:21: workload.producers[0].payloadBytes: must be between 1 and 1048576, got 2097152',
      "experiments/producer-values.yaml:9:13: workload.producers[0].acks: 'al' is not valid; expected 'all' or 'leader' or 'none'; did you mean 'all'?",
      'experiments/producer-values.yaml:10:18: workload.producers[0].instances: must be between 1 and 16, got 17',
    ],
  ],
  [
    'producer-acks-not-all.yaml',
    [
      "experiments/producer-acks-not-all.yaml:7:13: workload.producers[0].acks: an idempotent producer needs acks 'all'; to use acks 'leader', set idempotent: false",
    ],
  ],
  [
    'transactions-not-idempotent.yaml',
    [
      'experiments/transactions-not-idempotent.yaml:9:9: workload.producers[0].transactions: transactions need an idempotent producer; remove idempotent: false',
    ],
  ],
  [
    'duplicate-producer-name.yaml',
    [
      "experiments/duplicate-producer-name.yaml:8:13: workload.producers[1].name: producer 'load' is already defined at workload.producers[0]; producer names are unique",
    ],
  ],
  [
    'processor-same-topic.yaml',
    ["experiments/processor-same-topic.yaml:9:13: workload.processor.output: the processor's output must be another topic than its input ('orders')"],
  ],
  [
    'processor-input-not-produced.yaml',
    [
      "experiments/processor-input-not-produced.yaml:8:12: workload.processor.input: no producer writes to 'orders', the processor's input: give at least one producer topic: orders",
    ],
  ],
  [
    'processor-fields.yaml',
    [
      'experiments/processor-fields.yaml:10:16: workload.processor.instances: must be between 1 and 8, got 9',
      "experiments/processor-fields.yaml:11:11: workload.processor.mode: 'exactly_once' is not valid; expected 'exactly-once' or 'at-least-once'; did you mean 'exactly-once'?",
      'experiments/processor-fields.yaml:12:14: workload.processor.command: the command is empty; write the program and its arguments, e.g. [node, my-processor.js]',
    ],
  ],
  // Faults: kinds and their fields
  ['timeline-not-a-list.yaml', ['experiments/timeline-not-a-list.yaml:8:3: timeline: expected a list of faults, received a mapping']],
  ['kind-typo.yaml', ["experiments/kind-typo.yaml:9:11: timeline[0].kind: 'brokr-kill' is not a fault kind; did you mean 'broker-kill'?"]],
  [
    'kind-unknown.yaml',
    [
      "experiments/kind-unknown.yaml:9:11: timeline[0].kind: 'meteor-strike' is not a fault kind; the kinds are broker-kill, broker-terminate, broker-pause, broker-restart, rolling-restart, processor-kill, processor-pause, latency, bandwidth, blackhole, reset-peer, slow-close, slicer, limit-data, isolate, split, cut",
    ],
  ],
  [
    'fault-field-typo.yaml',
    [
      `experiments/fault-field-typo.yaml:8:5: timeline[0].latency: missing; expected a duration: ${DURATION}`,
      "experiments/fault-field-typo.yaml:11:5: timeline[0]: unknown field 'latncy'; did you mean 'latency'?",
    ],
  ],
  [
    'fault-field-of-another-kind.yaml',
    ["experiments/fault-field-of-another-kind.yaml:11:5: timeline[0]: unknown field 'latency'; the fields here are name, at, duration, healAt, kind, target"],
  ],
  [
    'instant-with-duration.yaml',
    ["experiments/instant-with-duration.yaml:9:5: timeline[0]: 'duration': broker-restart is instant and takes no duration or healAt; remove this line"],
  ],
  ['slicer-variation.yaml', ['experiments/slicer-variation.yaml:13:20: timeline[0].sizeVariation: must be less than averageSize (100), got 100']],
  [
    'split-groups.yaml',
    [
      'experiments/split-groups.yaml:11:23: timeline[0].groups[1][0]: broker 2 is already in groups[0]; the groups must not overlap',
      'experiments/split-groups.yaml:11:26: timeline[0].groups[1][1]: broker 4 does not exist: environment local-3 has 3 brokers',
      'experiments/split-groups.yaml:15:13: timeline[1].groups: a split needs at least 2 groups, e.g. [[1], [2, 3]]',
    ],
  ],
  [
    'cut-problems.yaml',
    [
      "experiments/cut-problems.yaml:11:5: timeline[0]: 'target': cut takes no target: name the ends of the cut with 'from' and 'to'",
      `experiments/cut-problems.yaml:12:11: timeline[0].from: 'everyone' is not a target: write clients, ${BROKER_FORMS}`,
      `experiments/cut-problems.yaml:13:9: timeline[0].to: cut targets a broker, not the clients: write ${BROKER_FORMS}`,
    ],
  ],
  // Faults: targets
  ['target-unknown.yaml', [`experiments/target-unknown.yaml:10:13: timeline[0].target: 'the leader' is not a target: write ${BROKER_FORMS}`]],
  [
    'target-typo.yaml',
    [`experiments/target-typo.yaml:10:13: timeline[0].target: 'controler' is not a target: write ${BROKER_FORMS}; did you mean 'controller'?`],
  ],
  [
    'target-no-partition.yaml',
    [
      "experiments/target-no-partition.yaml:10:13: timeline[0].target: 'leader of orders' names no partition: write leader of orders-<partition>, e.g. leader of orders-0",
    ],
  ],
  [
    'target-broker-out-of-range.yaml',
    [
      'experiments/target-broker-out-of-range.yaml:10:13: timeline[0].target: broker-4 does not exist: environment local-3 has 3 brokers (broker-1 to broker-3)',
    ],
  ],
  [
    'target-partition-out-of-range.yaml',
    ['experiments/target-partition-out-of-range.yaml:10:13: timeline[0].target: orders has 6 partitions (0 to 5); there is no partition 6'],
  ],
  [
    'target-unknown-topic.yaml',
    ["experiments/target-unknown-topic.yaml:10:13: timeline[0].target: topic 'order' is not in environment local-3; did you mean 'orders'?"],
  ],
  [
    'target-all-brokers.yaml',
    [
      `experiments/target-all-brokers.yaml:10:13: timeline[0].target: broker-kill targets a broker, not all brokers (all brokers is only for rolling-restart and isolate): write ${BROKER_FORMS}`,
    ],
  ],
  [
    'target-processor-for-broker.yaml',
    [`experiments/target-processor-for-broker.yaml:13:13: timeline[0].target: broker-kill targets a broker, not processor-1: write ${BROKER_FORMS}`],
  ],
  [
    'processor-fault-without-processor.yaml',
    [
      'experiments/processor-fault-without-processor.yaml:9:11: timeline[0].kind: processor-kill needs a processor, and the workload has none: add workload.processor',
    ],
  ],
  [
    'processor-instance-out-of-range.yaml',
    [
      'experiments/processor-instance-out-of-range.yaml:13:13: timeline[0].target: processor-3 does not exist: the processor runs 2 instances (processor-1 to processor-2)',
    ],
  ],
  // Faults: windows
  [
    'window-overshoots.yaml',
    [
      "experiments/window-overshoots.yaml:9:15: timeline[0].duration: heals at 1m35s, 5s after the experiment's duration (1m30s) ends; a fault heals by then at the latest",
      "experiments/window-overshoots.yaml:13:13: timeline[1].healAt: heals at 1m45s, 15s after the experiment's duration (1m30s) ends; a fault heals by then at the latest",
    ],
  ],
  [
    'starts-after-load.yaml',
    [
      "experiments/starts-after-load.yaml:8:9: timeline[0].at: starts at 1m30s, when load has already stopped: a fault must start before the experiment's duration (1m30s) ends",
    ],
  ],
  ['heal-before-start.yaml', ['experiments/heal-before-start.yaml:9:13: timeline[0].healAt: healAt (20s) must be later than at (30s)']],
  ['duration-and-heal-at.yaml', ['experiments/duration-and-heal-at.yaml:10:13: timeline[0].healAt: give either duration or healAt, not both']],
  [
    'overlapping-node-faults.yaml',
    [
      "experiments/overlapping-node-faults.yaml:18:13: timeline[2].target: overlaps timeline[0] ('kill broker 2', from 10s to 30s) on broker-2: faults on the same node cannot overlap in time",
    ],
  ],
];

describe('experiment files with problems', () => {
  it.each(cases)('%s', async (name, expected) => {
    expect(await problems(name)).toEqual(expected);
  });

  it('reports every problem of a file at once, in file order', async () => {
    expect(await problems('many-problems.yaml')).toEqual([
      "experiments/many-problems.yaml:2:1: unknown field 'nmae'; did you mean 'name'?",
      'experiments/many-problems.yaml:4:7: seed: must be at least 0, got -1',
      "experiments/many-problems.yaml:8:14: workload.producers[0].topic: topic 'ordres' is not in environment local-3; did you mean 'orders'?",
      'experiments/many-problems.yaml:9:13: workload.producers[0].rate: must be more than 0 and at most 100000 records per second, got 0',
      `experiments/many-problems.yaml:13:10: workload.drain: 'forever' is not a duration; write ${DURATION}`,
      "experiments/many-problems.yaml:16:15: timeline[0].duration: heals at 1m40s, 10s after the experiment's duration (1m30s) ends; a fault heals by then at the latest",
      'experiments/many-problems.yaml:18:13: timeline[0].target: broker-5 does not exist: environment local-3 has 3 brokers (broker-1 to broker-3)',
      "experiments/many-problems.yaml:20:11: timeline[1].kind: 'latncy' is not a fault kind; did you mean 'latency'?",
      "experiments/many-problems.yaml:25:5: timeline[2]: unknown field 'jiter'; the fields here are name, at, duration, healAt, kind, target, links, averageSize, sizeVariation, delay",
      "experiments/many-problems.yaml:27:16: slos.exactlyOnce: expected true or false, received string 'yes'",
    ]);
  });

  it('puts the count and every problem in the error message, and is a usage error (exit code 2)', async () => {
    const text = 'environment: {brokers: {count: 1}}\nduration: 0\nworkload: {producers: [{topic: t, rate: 1}]}\n';
    const error: unknown = await parseExperiment(text, 'x.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).exitCode).toBe(2);
    expect((error as InvalidInputError).message).toBe(
      'x.yaml has 2 problems:\n' +
        '  x.yaml:2:11: duration: must be longer than 0\n' +
        "  x.yaml:3:32: workload.producers[0].topic: topic 't' is not in environment x; it has no topics",
    );
  });

  it('checks targets against an environment file too, and names the environment in messages', async () => {
    const text =
      'environment: envs/one-broker.yaml\nduration: 60\nworkload: {producers: [{topic: events, rate: 1}]}\n' +
      'timeline:\n  - {at: 1, kind: broker-pause, target: follower of events-0}\n  - {at: 2, kind: split, groups: [[1], [2]]}\n';
    const error: unknown = await parseExperiment(text, fixture('inline.yaml')).catch((e: unknown) => e);
    expect((error as InvalidInputError).issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`)).toEqual([
      '5:41: timeline[0].target: events has replicationFactor 1: its partitions have no follower',
      '6:41: timeline[1].groups[1][0]: broker 2 does not exist: environment one-broker has 1 broker',
    ]);
  });
});
