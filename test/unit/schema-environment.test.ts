import { afterAll, describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, UsageError, formatIssue } from '../../src/errors.js';
import { environmentSchema } from '../../src/schema/environment.js';
import { loadEnvironment, parseEnvironment as parseAny } from '../../src/schema/load-environment.js';
import { managedOnly, type ManagedEnvironmentSpec } from '../../src/schema/environment.js';

/** These tests are about managed environments (external ones: spec-external-environment.test.ts). */
const parseEnvironment = (text: string, file: string): ManagedEnvironmentSpec => managedOnly(parseAny(text, file), 'test');

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/environments/${name}`, import.meta.url));

function problems(text: string, file = 'env.yaml'): string[] {
  try {
    parseEnvironment(text, file);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('parsed without problems');
}

describe('defaults', () => {
  it('fills in everything but brokers.count', async () => {
    expect(await loadEnvironment(fixture('minimal.yaml'))).toEqual({
      name: 'minimal',
      runtime: 'process',
      kafka: { version: '4.3.1' },
      brokers: { count: 1, heap: '512m', jvmOptions: [], config: {} },
      ports: { base: 29000 },
      topics: [],
    });
  });

  it('fills in fields inside a partly written section, and a topic without config', () => {
    const env = parseEnvironment(
      'kafka: {}\nbrokers: {count: 2, heap: 1g}\nports: {}\ntopics:\n  - {name: t, partitions: 1, replicationFactor: 2}\n',
      'x.yaml',
    );
    expect(env.kafka.version).toBe('4.3.1');
    expect(env.brokers).toEqual({ count: 2, heap: '1g', jvmOptions: [], config: {} });
    expect(env.ports.base).toBe(29000);
    expect(env.topics).toEqual([{ name: 't', partitions: 1, replicationFactor: 2, config: {} }]);
  });

  it('names the environment after the file unless the file names it', () => {
    expect(parseEnvironment('brokers: {count: 1}', 'some/dir/staging-like.yml').name).toBe('staging-like');
    expect(parseEnvironment('brokers: {count: 1}', 'my env (copy).yaml').name).toBe('my-env-copy-');
    expect(parseEnvironment('name: lab\nbrokers: {count: 1}', 'other.yaml').name).toBe('lab');
  });
});

describe('values', () => {
  it('turns YAML numbers and booleans in Kafka configs into the strings Kafka expects', () => {
    const text = [
      'brokers:',
      '  count: 1',
      '  config: {num.io.threads: 8, auto.create.topics.enable: false, log.cleaner.min.cleanable.ratio: 0.5}',
      'topics:',
      '  - name: t',
      '    partitions: 1',
      '    replicationFactor: 1',
      '    config: {retention.bytes: 9223372036854775807, preallocate: true, retention.ms: -1}',
    ].join('\n');
    const env = parseEnvironment(text, 'x.yaml');
    expect(env.brokers.config).toEqual({ 'num.io.threads': '8', 'auto.create.topics.enable': 'false', 'log.cleaner.min.cleanable.ratio': '0.5' });
    expect(env.topics[0]?.config).toEqual({ 'retention.bytes': '9223372036854775807', preallocate: 'true', 'retention.ms': '-1' });
  });

  it('accepts every supported Kafka line and both cleanup policies together', () => {
    for (const version of ['3.7.0', '3.8.1', '3.9.1', '4.0.0', '4.3.1']) {
      expect(parseEnvironment(`kafka: {version: "${version}"}\nbrokers: {count: 1}`, 'x.yaml').kafka.version).toBe(version);
    }
    const topic = (policy: string): string =>
      `brokers: {count: 1}\ntopics: [{name: t, partitions: 1, replicationFactor: 1, config: {cleanup.policy: "${policy}"}}]`;
    expect(parseEnvironment(topic('delete,compact'), 'x.yaml').topics[0]?.config['cleanup.policy']).toBe('delete,compact');
  });

  it('follows YAML anchors and aliases', () => {
    const text = 'brokers: {count: 3}\ntopics:\n  - &t {name: a, partitions: 3, replicationFactor: 3}\n  - {name: b, partitions: 3, replicationFactor: 3}\n';
    expect(parseEnvironment(text, 'x.yaml').topics.map((t) => t.name)).toEqual(['a', 'b']);
  });
});

describe('problems in inline texts', () => {
  it('points at the key when a value is left empty', () => {
    expect(problems('brokers:\n  count:\n')).toEqual(['env.yaml:2:3: brokers.count: expected a whole number from 1 to 9, received null (an empty value)']);
  });

  it('points at the document start when a required section is missing', () => {
    expect(problems('# comment\nkafka: {version: "4.0.0"}\n')).toEqual(['env.yaml:2:1: brokers: missing; expected a mapping with at least count']);
  });

  it('explains a config that Kafka 4.0 removed, and accepts a close spelling of our own field names', () => {
    const text = 'brokers: {count: 1}\ntopics:\n  - name: t\n    partitions: 1\n    replication_factor: 1\n    config: {message.format.version: "3.0"}\n';
    expect(problems(text)).toEqual([
      'env.yaml:3:5: topics[0].replicationFactor: missing; expected a whole number of at least 1',
      "env.yaml:5:5: topics[0]: unknown field 'replication_factor'; did you mean 'replicationFactor'?",
      "env.yaml:6:14: topics[0].config: 'message.format.version': Kafka 4.0 removed it; the message format is always v2 now, so delete the line",
    ]);
  });

  it('refuses topic names that collide in Kafka metrics, and the reserved names', () => {
    const text =
      "brokers: {count: 1}\ntopics:\n  - {name: a.b, partitions: 1, replicationFactor: 1}\n  - {name: a_b, partitions: 1, replicationFactor: 1}\n  - {name: '..', partitions: 1, replicationFactor: 1}\n";
    expect(problems(text)).toEqual([
      "env.yaml:4:12: topics[1].name: 'a_b' collides with 'a.b' (topics[0]): Kafka treats '.' and '_' alike in metric names and refuses to create both",
      "env.yaml:5:12: topics[2].name: '..' is not a valid Kafka topic name",
    ]);
  });

  it('checks min.insync.replicas is a whole number, and names invalid environment names', () => {
    const text = "name: 'my env'\nbrokers: {count: 1}\ntopics: [{name: t, partitions: 1, replicationFactor: 1, config: {min.insync.replicas: two}}]\n";
    expect(problems(text)).toEqual([
      "env.yaml:1:7: name: 'my env' is not a valid environment name: use up to 63 letters, digits, '.', '_' and '-', starting with a letter or digit",
      "env.yaml:3:87: topics[0].config.min.insync.replicas: expected a whole number of at least 1, received 'two'",
    ]);
  });

  it('reports a duplicate key and still validates the rest of the file', () => {
    expect(problems('brokers:\n  count: 2\n  count: 12\n')).toEqual([
      "env.yaml:3:3: brokers.count: duplicate key 'count': a key may appear only once in a mapping; remove one of them",
      'env.yaml:3:10: brokers.count: must be between 1 and 9, got 12',
    ]);
  });

  it('gives an error of the usage kind (exit code 2)', () => {
    try {
      parseEnvironment('brokers: {count: 0}', 'env.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).exitCode).toBe(2);
    }
  });
});

describe('loadEnvironment', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'streamchaos-spec-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('names the path of a file that does not exist', async () => {
    const missing = join(tmpdir(), 'streamchaos-no-such-dir', 'nope.yaml');
    const error: unknown = await loadEnvironment(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect((error as UsageError).message).toBe(`environment file not found: ${missing}`);
  });

  it('says so when the path is a directory', async () => {
    await expect(loadEnvironment(scratch)).rejects.toThrow(`${scratch} is a directory, not an environment file`);
  });

  it('reports problems with the path it was given', async () => {
    const file = join(scratch, 'bad.yaml');
    writeFileSync(file, 'brokers:\n  count: 10\n');
    await expect(loadEnvironment(file)).rejects.toThrow(`${file}:2:10: brokers.count: must be between 1 and 9, got 10`);
  });
});

describe('environmentSchema on its own', () => {
  it('applies the same rules to plain data', () => {
    const result = environmentSchema.safeParse({ brokers: { count: 1 }, topics: [{ name: 't', partitions: 1, replicationFactor: 2 }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['topics.0.replicationFactor', '2 is more than brokers.count (1)']]);
  });
});
