import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, formatIssue } from '../../src/errors.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';

/** The problems parseEnvironment reports for a fixture, formatted as the user sees them. */
function problems(fixture: string): string[] {
  const path = fileURLToPath(new URL(`../fixtures/environments/${fixture}`, import.meta.url));
  try {
    parseEnvironment(readFileSync(path, 'utf8'), `fixtures/${fixture}`);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error(`${fixture} parsed without problems`);
}

const cases: Array<[fixture: string, expected: string[]]> = [
  // runtime: external (see external-environment.ts)
  [
    'external-not-marked.yaml',
    [
      "fixtures/external-not-marked.yaml:3:16: nonProduction: is false: streamchaos refuses to inject faults into a cluster not marked as non-production; if this is a staging or test cluster, write 'nonProduction: true'",
    ],
  ],
  [
    'external-managed-fields.yaml',
    [
      "fixtures/external-managed-fields.yaml:4:1: 'brokers' does not apply to an external environment: streamchaos does not start its brokers (they are learned from the cluster's metadata); remove this field",
      "fixtures/external-managed-fields.yaml:6:1: 'ports' does not apply to an external environment: streamchaos opens no ports for it (the addresses are bootstrap, observer and toxiproxy.api); remove this field",
    ],
  ],
  [
    'external-secret-in-file.yaml',
    [
      'fixtures/external-secret-in-file.yaml:6:3: security.sasl.passwordEnv: missing; expected the name of an environment variable holding the password',
      "fixtures/external-secret-in-file.yaml:9:5: security.sasl: 'password': write the name of an environment variable in 'passwordEnv' instead; streamchaos never reads secrets from files (and never writes them into reports)",
    ],
  ],
  [
    'external-proxy-problems.yaml',
    [
      "fixtures/external-proxy-problems.yaml:3:12: bootstrap: 'not an address' is not a host:port address, e.g. 'kafka-1.staging:9092'",
      "fixtures/external-proxy-problems.yaml:4:34: security: 'sasl' is set but protocol is PLAINTEXT: use SASL_PLAINTEXT or SASL_SSL, or remove it",
      "fixtures/external-proxy-problems.yaml:6:8: toxiproxy.api: 'localhost:8474' is not a Toxiproxy API URL; write http://host:port, e.g. 'http://127.0.0.1:8474'",
      "fixtures/external-proxy-problems.yaml:9:15: toxiproxy.proxies[1].name: proxy 'clients-1' is already declared at toxiproxy.proxies[0]",
      'fixtures/external-proxy-problems.yaml:10:35: toxiproxy.proxies[2].to: from and to are both broker 1; a broker → broker proxy joins two brokers',
      "fixtures/external-proxy-problems.yaml:11:44: toxiproxy.proxies[3].kind: client traffic comes from clients, not from a broker: write 'broker: <id>' instead of from and to",
    ],
  ],
  [
    'unknown-field-typo.yaml',
    [
      'fixtures/unknown-field-typo.yaml:4:5: topics[0].replicationFactor: missing; expected a whole number of at least 1',
      "fixtures/unknown-field-typo.yaml:6:5: topics[0]: unknown field 'replicationFactr'; did you mean 'replicationFactor'?",
    ],
  ],
  [
    'unknown-field-no-suggestion.yaml',
    ["fixtures/unknown-field-no-suggestion.yaml:3:3: brokers: unknown field 'colour'; the fields here are count, heap, jvmOptions, config"],
  ],
  ['wrong-type.yaml', ["fixtures/wrong-type.yaml:2:10: brokers.count: expected a whole number from 1 to 9, received string 'three'"]],
  ['count-out-of-range.yaml', ['fixtures/count-out-of-range.yaml:2:10: brokers.count: must be between 1 and 9, got 12']],
  ['missing-count.yaml', ['fixtures/missing-count.yaml:3:1: brokers.count: missing; expected a whole number from 1 to 9']],
  ['rf-more-than-brokers.yaml', ['fixtures/rf-more-than-brokers.yaml:10:24: topics[1].replicationFactor: 5 is more than brokers.count (3)']],
  [
    'min-insync-more-than-rf.yaml',
    [
      "fixtures/min-insync-more-than-rf.yaml:8:28: topics[0].config.min.insync.replicas: 3 is more than the topic's replicationFactor (2): every acks=all write would fail",
    ],
  ],
  [
    'topic-config-typo.yaml',
    ["fixtures/topic-config-typo.yaml:8:7: topics[0].config: unknown topic config 'min.insync.replica'; did you mean 'min.insync.replicas'?"],
  ],
  [
    'bad-topic-name.yaml',
    ["fixtures/bad-topic-name.yaml:4:11: topics[0].name: 'orders!' is not a valid Kafka topic name: use only letters, digits, '.', '_' and '-'"],
  ],
  [
    'internal-topic-name.yaml',
    ["fixtures/internal-topic-name.yaml:4:11: topics[0].name: '__orders': topic names starting with '__' are reserved for Kafka's internal topics"],
  ],
  ['duplicate-topic.yaml', ["fixtures/duplicate-topic.yaml:7:11: topics[1].name: topic 'orders' is already defined at topics[0]"]],
  [
    'managed-broker-config.yaml',
    [
      "fixtures/managed-broker-config.yaml:5:5: brokers.config: 'listeners' cannot be set here: streamchaos sets it itself, because every broker's listeners go through its link proxies; remove this line",
    ],
  ],
  [
    'ports-in-ephemeral-range.yaml',
    [
      'fixtures/ports-in-ephemeral-range.yaml:4:9: ports.base: 32500 is too high: streamchaos uses the 500 ports from base, and base + 500 must not exceed 32768, where the ephemeral port range starts; use at most 32268',
    ],
  ],
  ['ports-privileged.yaml', ['fixtures/ports-privileged.yaml:4:9: ports.base: must be at least 1024, got 80']],
  ['version-as-number.yaml', ["fixtures/version-as-number.yaml:2:12: kafka.version: expected a Kafka version in quotes, like '4.3.1', received number 4"]],
  [
    'unsupported-version.yaml',
    [
      'fixtures/unsupported-version.yaml:2:12: kafka.version: Kafka 3.6.2 is not supported: streamchaos runs brokers in KRaft combined mode, supported for 3.7.x to 3.9.x and 4.x',
    ],
  ],
  ['bad-heap.yaml', ["fixtures/bad-heap.yaml:3:9: brokers.heap: '512MB' is not a JVM heap size; write a number followed by k, m or g, e.g. '512m' or '2g'"]],
  [
    'bad-topic-config-values.yaml',
    [
      "fixtures/bad-topic-config-values.yaml:8:25: topics[0].config.compression.type: 'lz5' is not a valid compression.type; expected one of 'uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'; did you mean 'lz4'?",
      "fixtures/bad-topic-config-values.yaml:9:23: topics[0].config.cleanup.policy: 'compact,remove' is not a valid cleanup.policy; expected one of 'delete', 'compact', 'compact,delete', 'delete,compact'; did you mean 'compact,delete'?",
      "fixtures/bad-topic-config-values.yaml:10:21: topics[0].config.retention.ms: expected a whole number of milliseconds, or -1 for no time limit, received '-2'",
    ],
  ],
  [
    'duplicate-key.yaml',
    ["fixtures/duplicate-key.yaml:4:3: brokers.count: duplicate key 'count': a key may appear only once in a mapping; remove one of them"],
  ],
  [
    'syntax-error.yaml',
    ['fixtures/syntax-error.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ],
  [
    'multiple-documents.yaml',
    ["fixtures/multiple-documents.yaml:3:1: the file holds more than one YAML document ('---'); an environment file is a single document"],
  ],
  ['empty.yaml', ["fixtures/empty.yaml:1:1: the file is empty; an environment needs at least the number of brokers, e.g. 'brokers: { count: 3 }'"]],
  [
    'not-a-mapping.yaml',
    ['fixtures/not-a-mapping.yaml:1:1: expected a mapping of environment fields (name, runtime, kafka, images, brokers, ports, topics), received a list'],
  ],
  [
    'runtime-typo.yaml',
    ["fixtures/runtime-typo.yaml:1:10: runtime: 'dokcer' is not valid; expected 'process' or 'docker' or 'external'; did you mean 'docker'?"],
  ],
  ['jvm-xmx.yaml', ["fixtures/jvm-xmx.yaml:5:7: brokers.jvmOptions[1]: set the maximum heap with brokers.heap, not with '-Xmx2g'"]],
  ['topics-not-a-list.yaml', ['fixtures/topics-not-a-list.yaml:4:3: topics: expected a list of topics, received a mapping']],
];

describe('environment files with problems', () => {
  it.each(cases)('%s', (fixture, expected) => {
    expect(problems(fixture)).toEqual(expected);
  });

  it('reports every problem of a file at once, in file order', () => {
    expect(problems('many-problems.yaml')).toEqual([
      "fixtures/many-problems.yaml:2:1: unknown field 'nmae'; did you mean 'name'?",
      'fixtures/many-problems.yaml:4:12: kafka.version: Kafka 2.8.1 is not supported: streamchaos runs brokers in KRaft combined mode, supported for 3.7.x to 3.9.x and 4.x',
      "fixtures/many-problems.yaml:8:5: brokers.config: 'node.id' cannot be set here: streamchaos sets it itself, because every broker's listeners go through its link proxies; remove this line",
      'fixtures/many-problems.yaml:10:9: ports.base: must be at least 1024, got 1000',
      'fixtures/many-problems.yaml:13:17: topics[0].partitions: must be between 1 and 1000, got 0',
      'fixtures/many-problems.yaml:14:24: topics[0].replicationFactor: 3 is more than brokers.count (2)',
      "fixtures/many-problems.yaml:16:28: topics[0].config.min.insync.replicas: 4 is more than the topic's replicationFactor (3): every acks=all write would fail",
      "fixtures/many-problems.yaml:17:7: topics[0].config: unknown topic config 'compresion.type'; did you mean 'compression.type'?",
      'fixtures/many-problems.yaml:18:5: topics[1].replicationFactor: missing; expected a whole number of at least 1',
      "fixtures/many-problems.yaml:18:11: topics[1].name: topic 'orders' is already defined at topics[0]",
      'fixtures/many-problems.yaml:19:17: topics[1].partitions: expected a whole number from 1 to 1000, received 2.5',
    ]);
  });

  it('puts the count and every problem in the error message', () => {
    const text = 'brokers:\n  count: 0\nports:\n  base: 80\n';
    expect(() => parseEnvironment(text, 'envs/two.yaml')).toThrow(
      'envs/two.yaml has 2 problems:\n' +
        '  envs/two.yaml:2:10: brokers.count: must be between 1 and 9, got 0\n' +
        '  envs/two.yaml:4:9: ports.base: must be at least 1024, got 80',
    );
  });
});
