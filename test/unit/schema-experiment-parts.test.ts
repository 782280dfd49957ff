import { afterAll, describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '../../src/cli/commands/validate.js';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import { duration, formatDuration, parseDuration } from '../../src/schema/duration.js';
import { describeTarget, type TargetRule } from '../../src/schema/experiment.js';
import { isExperiment, loadExperiment, loadSpecFile, parseExperiment } from '../../src/schema/load-experiment.js';
import { formatTarget, parseTarget } from '../../src/schema/target-rules.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('durations', () => {
  it.each([
    [20, 20_000],
    [1.5, 1500],
    [0, 0],
    ['250ms', 250],
    ['20s', 20_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['0.5s', 500],
    ['1m0s5ms', 60_005],
    [' 10s ', 10_000],
  ] as const)('%j is %d ms', (written, ms) => {
    expect(parseDuration(written)).toBe(ms);
  });

  it.each([
    ['20 sec', "'20 sec' is not a duration; write a number of seconds (20) or a string like '250ms', '20s', '2m' or '1m30s'"],
    ['30s1m', "'30s1m' is not a duration; write a number of seconds (20) or a string like '250ms', '20s', '2m' or '1m30s'"],
    ['', "'' is not a duration; write a number of seconds (20) or a string like '250ms', '20s', '2m' or '1m30s'"],
    [-1, 'a duration cannot be negative, got -1'],
    [0.0001, '0.0001 is not a whole number of milliseconds'],
    ['1.5ms', "'1.5ms' is not a whole number of milliseconds"],
  ] as const)('%j is not a duration', (written, problem) => {
    expect(parseDuration(written)).toEqual({ problem });
  });

  it('formats milliseconds the way files write them, and reads them back', () => {
    expect([90_000, 250, 20_000, 0, 3_600_000, 61_500, 3_605_000].map(formatDuration)).toEqual(['1m30s', '250ms', '20s', '0s', '1h', '1m1s500ms', '1h5s']);
    for (const ms of [1, 999, 1000, 59_999, 90_000, 3_599_999]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('bounds a duration field: at most 1h, and more than 0 where a length is meant', () => {
    const messages = (min: 'zero' | 'positive', value: unknown) =>
      duration(min)
        .safeParse(value)
        .error?.issues.map((i) => i.message);
    expect(duration('positive').parse('1h')).toBe(3_600_000);
    expect(messages('positive', 3601)).toEqual(['3601 s is longer than the maximum of 1h']);
    expect(messages('positive', '61m')).toEqual(['61m is longer than the maximum of 1h']);
    expect(messages('positive', 0)).toEqual(['must be longer than 0']);
    expect(duration('zero').parse(0)).toBe(0);
    expect(messages('zero', true)).toEqual([
      "expected a duration: a number of seconds (20) or a string like '250ms', '20s', '2m' or '1m30s', received boolean true",
    ]);
  });
});

describe('target rules', () => {
  const rules: Array<[written: string, rule: TargetRule | { type: 'clients' }, words: string]> = [
    ['broker-2', { type: 'broker', id: 2 }, 'broker-2'],
    ['controller', { type: 'controller' }, 'the active controller'],
    ['leader of orders-0', { type: 'leader', topic: 'orders', partition: 0 }, 'the leader of orders-0'],
    ['follower of my-topic-12', { type: 'follower', topic: 'my-topic', partition: 12 }, 'a follower of my-topic-12'],
    ['coordinator of group g', { type: 'group-coordinator', group: 'g' }, 'the coordinator of group g'],
    ['coordinator of transaction tx-1', { type: 'transaction-coordinator', transactionalId: 'tx-1' }, 'the coordinator of transaction tx-1'],
    ['random broker', { type: 'random-broker' }, 'a random broker'],
    ['all brokers', { type: 'all-brokers' }, 'all brokers'],
    ['processor-1', { type: 'processor', instance: 1 }, 'processor-1'],
    ['random processor', { type: 'random-processor' }, 'a random processor'],
    ['clients', { type: 'clients' }, 'the clients'],
  ];

  it.each(rules)('%s', (written, rule, words) => {
    expect(parseTarget(written)).toEqual(rule);
    expect(formatTarget(rule)).toBe(written);
    expect(describeTarget(rule)).toBe(words);
  });

  it('tolerates extra spaces and refuses anything else', () => {
    expect(parseTarget('  leader   of orders-3 ')).toEqual({ type: 'leader', topic: 'orders', partition: 3 });
    for (const text of ['broker 2', 'broker-x', 'Controller', 'leader of orders', 'coordinator of group ', 'processor', '']) {
      expect(parseTarget(text)).toBeUndefined();
    }
  });
});

describe('loading files', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'streamchaos-experiment-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('names the path of an experiment file that does not exist', async () => {
    const missing = join(scratch, 'nope.yaml');
    const error: unknown = await loadExperiment(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect((error as UsageError).message).toBe(`experiment file not found: ${missing}`);
    await expect(loadSpecFile(missing)).rejects.toThrow(`environment or experiment file not found: ${missing}`);
    await expect(loadExperiment(scratch)).rejects.toThrow(`${scratch} is a directory, not an experiment file`);
  });

  it('tells environments and experiments apart by content', async () => {
    const env = await loadSpecFile(fixture('environments/minimal.yaml'));
    expect([env.kind, env.spec.name]).toEqual(['environment', 'minimal']);
    const experiment = await loadSpecFile(fixture('experiments/minimal.yaml'));
    expect([experiment.kind, experiment.spec.name]).toEqual(['experiment', 'minimal']);
    expect(isExperiment('workload: {}')).toBe(true);
    expect(isExperiment('timeline: []\n---\nx: 1')).toBe(true);
    expect(isExperiment('brokers: {count: 1}\ntopics: []')).toBe(false);
    expect(isExperiment('- timeline')).toBe(false);
    expect(isExperiment('just text')).toBe(false);
    expect(isExperiment('timeline: [')).toBe(true);
  });

  it('reports an experiment with the problems of its environment file', async () => {
    const file = join(scratch, 'exp.yaml');
    writeFileSync(join(scratch, 'env.yaml'), 'brokers:\n  count: 10\n');
    writeFileSync(file, 'environment: env.yaml\nduration: 10\nworkload: {producers: [{topic: t, rate: 1}]}\n');
    await expect(loadSpecFile(file)).rejects.toThrow(
      `${join(scratch, 'env.yaml')} has 1 problem:\n  ${join(scratch, 'env.yaml')}:2:10: brokers.count: must be between 1 and 9, got 10`,
    );
  });
});

describe('any input', () => {
  /** Parses, and returns the error unless it is the one kind parseExperiment may throw. */
  const unexpected = async (text: string): Promise<unknown> =>
    parseExperiment(text, fixture('experiments/fuzz.yaml')).then(
      () => undefined,
      (e: unknown) => (e instanceof InvalidInputError && e.issues.length > 0 ? undefined : e),
    );

  it('gives InvalidInputError, with at least one problem, and nothing else', async () => {
    const good = readFileSync(fixture('experiments/every-kind.yaml'), 'utf8').split('\n');
    const mutated = fc
      .tuple(fc.nat(good.length - 1), fc.string({ maxLength: 12 }))
      .map(([line, text]) => good.map((l, i) => (i === line ? text : l)).join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), mutated), async (text) => {
        expect(await unexpected(text)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});

describe('streamchaos validate', () => {
  it('summarises good environments and experiments, lists the problems of bad ones, and exits 2', async () => {
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const files = ['environments/minimal.yaml', 'experiments/good-inline-environment.yaml', 'experiments/kind-typo.yaml'].map(fixture);
      expect(await validate({ files })).toBe(2);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(out.join('')).toBe(
      `✓ ${fixture('environments/minimal.yaml')}: environment minimal, 1 broker, Kafka 4.3.1, 0 topics\n` +
        `✓ ${fixture('experiments/good-inline-environment.yaml')}: experiment inline-demo, 2 faults over 1m30s, environment inline-demo\n` +
        `✗ ${fixture('experiments/kind-typo.yaml')}\n` +
        `  ${fixture('experiments/kind-typo.yaml')}:9:11: timeline[0].kind: 'brokr-kill' is not a fault kind; did you mean 'broker-kill'?\n`,
    );
  });
});
