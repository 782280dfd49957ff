import { describe, expect, it } from 'vitest';
import { InvalidInputError, formatIssue } from '../../src/errors.js';
import { managedOnly } from '../../src/schema/environment.js';
import { heapProblem, initialHeapProblem, jvmFlagProblem, jvmSize } from '../../src/schema/jvm-options.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { textHasUrlCredentials } from '../../src/schema/credentials.js';
import { configValueProblem, propertyNameProblem, variableProblem } from '../../src/schema/settings.js';

/** The problems of an environment file, as the user sees them. */
function problems(text: string): string[] {
  try {
    parseEnvironment(text, 'env.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('parsed without problems');
}

const brokers = (lines: string[]): string => ['brokers:', '  count: 1', ...lines.map((l) => `  ${l}`)].join('\n');

describe('brokers.config names, as java.util.Properties reads server.properties', () => {
  it('refuses a name that would set another setting: a trailing space, a colon, an equals sign, a line break', () => {
    const found = problems(brokers(['config:', '    "broker.id ": 5', '    "log.dir:x": 1', '    "a=b": 1', '    "num.partitions\\nbroker.id": 2']));
    expect(found).toEqual([
      "env.yaml:4:7: brokers.config: 'broker.id ' holds a space: Kafka's properties reader ends a name at the first space, '=' or ':', so this line would set 'broker.id', which streamchaos sets itself",
      "env.yaml:5:7: brokers.config: 'log.dir:x' holds ':': Kafka's properties reader ends a name at the first space, '=' or ':', so this line would set 'log.dir', which streamchaos sets itself",
      "env.yaml:6:7: brokers.config: 'a=b' holds '=': Kafka's properties reader ends a name at the first space, '=' or ':', so this line would set 'a'",
      "env.yaml:7:7: brokers.config: 'num.partitions\\nbroker.id' holds a line break: server.properties would hold it as two lines, and Kafka would read the second one as a setting of its own",
    ]);
  });

  it('refuses comments, escapes, control characters and empty names; takes every name Kafka defines', () => {
    expect(propertyNameProblem('#log.dirs')).toMatch(/starts with '#': server.properties would read the line as a comment/);
    expect(propertyNameProblem('!x')).toMatch(/starts with '!'/);
    expect(propertyNameProblem('log\\u002edirs')).toMatch(/backslash/);
    expect(propertyNameProblem('a\u0000b')).toMatch(/control character/);
    expect(propertyNameProblem('a\rb')).toMatch(/line break/);
    expect(propertyNameProblem('')).toMatch(/empty name/);
    expect(propertyNameProblem('x'.repeat(300))).toMatch(/300 characters/);
    expect(propertyNameProblem('núméro')).toMatch(/not a Kafka config name/);
    for (const name of ['num.partitions', 'listener.name.client.scram-sha-256.sasl.jaas.config', 'log.retention.check.interval.ms', 'a_b']) {
      expect(propertyNameProblem(name), name).toBeUndefined();
    }
  });

  it('refuses a value with a line break or a control character at its line, and never quotes a raw control character', () => {
    const found = problems(brokers(['config:', '    num.io.threads: "4\\r\\nbroker.id=9"', '    log.cleaner.threads: "1\\u001b[2J"']));
    expect(found[0]).toBe(
      'env.yaml:4:23: brokers.config.num.io.threads: the value holds a line break: Kafka reads server.properties line by line, so the rest would become a setting of its own; write the value on one line',
    );
    expect(found[1]).toMatch(/^env\.yaml:5:28: brokers\.config\.log\.cleaner\.threads: the value '1\\x1b\[2J' holds a control character/);
    expect(configValueProblem('a\u0000', 'topic')).toMatch(/control character/);
    expect(configValueProblem('x'.repeat(70_000), 'topic')).toMatch(/70,000 characters/);
    expect(configValueProblem('C:\\data\\kafka', 'server.properties')).toBeUndefined(); // escaped where it is written
  });

  it('refuses a secret written into the file, without quoting it', () => {
    const found = problems(brokers(['config:', '    ssl.keystore.password: hunter2', '    listener.name.x.plain.sasl.jaas.config: "p password=hunter2"']));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^env\.yaml:4:7: brokers\.config: 'ssl\.keystore\.password' holds a secret/);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it("refuses '__proto__', which JavaScript would take for the mapping's prototype and drop silently", () => {
    expect(problems(brokers(['config:', '    __proto__: { polluted: yes }']))).toEqual([
      "env.yaml:4:7: brokers.config: '__proto__' is not a name streamchaos can pass on; remove this line",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a mapping past the limit as a whole, and lists at most 20 problems of one mapping', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `    k${i}: v`);
    expect(problems(brokers(['config:', ...many]))).toEqual([
      'env.yaml:4:7: brokers.config: 1,001 settings; at most 1,000 are allowed here, far more than any cluster needs',
    ]);
    const bad = Array.from({ length: 50 }, (_, i) => `    "k ${i}": v`);
    const found = problems(brokers(['config:', ...bad]));
    expect(found).toHaveLength(21);
    expect(found).toContain('env.yaml:4:7: brokers.config: … and 30 more settings with a problem');
  });
});

describe('topic configs', () => {
  const topic = (config: string): string => `brokers: { count: 1 }\ntopics:\n  - name: t\n    partitions: 1\n    replicationFactor: 1\n    config: ${config}\n`;

  it('refuses a value with a line break once, at its line, before judging it', () => {
    expect(problems(topic('{ retention.ms: "1\\n2" }'))).toEqual([
      "env.yaml:6:29: topics[0].config.retention.ms: the value holds a line break: Kafka's topic configs are one line; write the value on one line",
    ]);
  });

  it('quotes an unknown name escaped and cut, and refuses more than 100 configs as a whole', () => {
    expect(problems(topic('{ "retention\\u001b]0;owned\\u0007": 1 }'))).toEqual([
      "env.yaml:6:15: topics[0].config: unknown topic config 'retention\\x1b]0;owned\\x07'; see https://kafka.apache.org/documentation/#topicconfigs",
    ]);
    const many = `{ ${Array.from({ length: 101 }, (_, i) => `k${i}: 1`).join(', ')} }`;
    expect(problems(topic(many))).toEqual([
      'env.yaml:6:13: topics[0].config: 101 topic configs; at most 100 are allowed here, far more than any cluster needs',
    ]);
  });
});

describe('the broker heap, with the JVM rules', () => {
  it('reads sizes as the JVM does', () => {
    expect(jvmSize('512m')).toBe(512n * 1024n * 1024n);
    expect(jvmSize('2G')).toBe(2n * 1024n ** 3n);
    expect(jvmSize('4096')).toBe(4096n);
    expect(jvmSize('1.5g')).toBeUndefined();
    expect(jvmSize('-1m')).toBeUndefined();
  });

  it('refuses what the JVM refuses: 0, 2m or less, a bad suffix, leading zeros; and sizes past any machine', () => {
    expect(heapProblem('0m')).toMatch(/too small: the JVM refuses a maximum heap of 2m or less/);
    expect(heapProblem('2048k')).toMatch(/too small/);
    expect(heapProblem('512MB')).toMatch(/not a JVM heap size/);
    expect(heapProblem('0512m')).toMatch(/leading zeros/);
    expect(heapProblem('2000g')).toMatch(/more than 1024g/);
    expect(heapProblem('99999999999999999999m')).toMatch(/not a JVM heap size/);
    for (const ok of ['3m', '2049k', '512m', '1g', '1024g']) expect(heapProblem(ok), ok).toBeUndefined();
  });

  it('refuses an initial heap above the maximum, or below 1m, at the flag', () => {
    expect(problems(brokers(['heap: 512m', 'jvmOptions: ["-XX:+UseG1GC", "-Xms1g", "-XX:InitialHeapSize=600m"]']))).toEqual([
      "env.yaml:4:32: brokers.jvmOptions[1]: '-Xms1g' is more than brokers.heap (512m): the JVM refuses to start with an initial or minimum heap larger than the maximum one",
      "env.yaml:4:42: brokers.jvmOptions[2]: '-XX:InitialHeapSize=600m' is more than brokers.heap (512m): the JVM refuses to start with an initial or minimum heap larger than the maximum one",
    ]);
    expect(initialHeapProblem('-Xms512k', '1g')).toMatch(/less than 1m/);
    expect(initialHeapProblem('-Xms0', '1g')).toBeUndefined(); // 0 leaves it to the JVM
    expect(initialHeapProblem('-Xms256m', '1g')).toBeUndefined();
    expect(initialHeapProblem('-Xms2g', '1g')).toMatch(/more than brokers.heap/);
    expect(initialHeapProblem('-Xms2g', '512m')).toMatch(/more than/);
    expect(problems(brokers(['jvmOptions: ["-Xms600m"]']))[0]).toMatch(/'-Xms600m' is more than brokers\.heap \(512m\)/); // the default heap
  });
});

describe('JVM flags', () => {
  it('refuses the maximum heap set around brokers.heap, in any spelling the JVM takes', () => {
    for (const flag of ['-Xmx2g', '-XX:MaxHeapSize=2g', '-xmx2g', '-XX:maxheapsize=1g']) expect(jvmFlagProblem(flag), flag).toMatch(/brokers\.heap/);
  });

  it('refuses a flag that is not one command-line argument, or reads flags from elsewhere, or replaces the main class', () => {
    expect(jvmFlagProblem('-XX:+UseG1GC\n-Xmx8g')).toMatch(/line break: each list item is one command-line argument/);
    expect(jvmFlagProblem('-Dx=\u0000')).toMatch(/NUL/);
    expect(jvmFlagProblem('-Dx=\u001b[31m')).toMatch(/control character/);
    expect(jvmFlagProblem('-XX:Flags=/tmp/more')).toMatch(/reads more JVM flags from a file/);
    expect(jvmFlagProblem('-XX:VMOptionsFile=/tmp/more')).toMatch(/reads more JVM flags/);
    expect(jvmFlagProblem('-jar')).toMatch(/class path and the main class/);
    expect(jvmFlagProblem('-cp')).toMatch(/class path/);
    expect(jvmFlagProblem('@/etc/passwd')).toMatch(/not a JVM flag/);
    expect(jvmFlagProblem('-Xmsabc')).toMatch(/the JVM would refuse this size/);
    for (const ok of ['-XX:+UseG1GC', '-Dfoo=a b', '-Xss1m', '-XX:MaxRAMPercentage=50', '-Xms256m']) expect(jvmFlagProblem(ok), ok).toBeUndefined();
  });

  it('refuses more than 200 flags with one problem', () => {
    const flags = Array.from({ length: 201 }, () => '"-XX:+UseG1GC"').join(', ');
    expect(problems(brokers([`jvmOptions: [${flags}]`]))).toEqual(['env.yaml:3:15: brokers.jvmOptions: 201 JVM flags; at most 200 are allowed here']);
  });
});

describe('the Kafka version and ports', () => {
  it('takes a real release shape only: bounded numbers, no leading zeros', () => {
    const refused = (v: string) => problems(`kafka: { version: '${v}' }\nbrokers: { count: 1 }\n`);
    expect(refused('4.99999999999999999999.1')).toEqual([
      "env.yaml:1:19: kafka.version: '4.99999999999999999999.1' is not a Kafka version; write major.minor.patch (numbers of up to three digits, as Kafka's releases are named), e.g. '4.3.1'",
    ]);
    expect(refused('04.1.0')[0]).toMatch(/is not a Kafka version/);
    expect(refused('4.1')[0]).toMatch(/is not a Kafka version/);
    expect(managedOnly(parseEnvironment("kafka: { version: '4.0.0' }\nbrokers: { count: 1 }\n", 'e.yaml'), 't').kafka.version).toBe('4.0.0');
  });

  it('keeps every fixed port below the ephemeral range, whatever the number', () => {
    expect(problems('brokers: { count: 1 }\nports: { base: 99999 }\n')[0]).toMatch(/99999 is too high/);
    expect(problems('brokers: { count: 1 }\nports: { base: 99999999999999999999999 }\n')[0]).toMatch(/ports\.base: expected a whole number/);
  });
});

describe("a processor's environment variables", () => {
  it('takes POSIX names only, and says what the OS would do with the rest', () => {
    expect(variableProblem('A=B', 'x')?.message).toBe("'A=B' holds '=': the OS reads a variable's name up to the first '=', so this would set 'A'");
    expect(variableProblem('', 'x')?.message).toMatch(/empty variable name/);
    expect(variableProblem('1ABC', 'x')?.message).toMatch(/not an environment variable name/);
    expect(variableProblem('A\u0000B', 'x')?.message).toMatch(/not an environment variable name: use letters, digits and '_'/);
    expect(variableProblem('MY SETTING', 'x')?.atKey).toBe(true);
    expect(variableProblem('REGION', 'eu\u0000west')).toEqual({ atKey: false, message: expect.stringMatching(/NUL character: the OS ends a variable there/) });
    expect(variableProblem('STREAMCHAOS_BOOTSTRAP', 'x')?.message).toMatch(/sets the STREAMCHAOS_\* variables itself/);
    expect(variableProblem('REGION', 'eu-west-1\nsecond line')).toBeUndefined(); // a line break is fine in a variable
    expect(variableProblem('_ok_1', 'v')).toBeUndefined();
  });

  it('refuses a secret written into the file, and never quotes it', () => {
    for (const name of ['DB_PASSWORD', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_API_KEY', 'apikey']) {
      const p = variableProblem(name, 'hunter2');
      expect(p?.message, name).toMatch(/looks like a secret/);
      expect(p?.message).not.toContain('hunter2');
    }
    expect(variableProblem('TOKEN_BUCKET_SIZE', '5')?.message).toMatch(/looks like a secret/); // a name that says TOKEN is treated as one
    expect(variableProblem('KEY_COUNT', '5')).toBeUndefined();
    expect(variableProblem('ENDPOINT', 'https://user:hunter2@api.example.com')?.message).toMatch(/holds credentials/);
    expect(variableProblem('ENDPOINT', 'https://user:hunter2@api.example.com')?.message).not.toContain('hunter2');
  });
});

describe('credentials inside a value', () => {
  it('finds userinfo in any URL of a text, and nothing else', () => {
    expect(textHasUrlCredentials('SASL_SSL://alice:hunter2@kafka:9093')).toBe(true);
    expect(textHasUrlCredentials('a list: http://ok.example.com/x, https://t0ken@api.example.com')).toBe(true);
    expect(textHasUrlCredentials('http://example.com/users/@me')).toBe(false); // '@' in the path, not the authority
    expect(textHasUrlCredentials('mail alice@example.com')).toBe(false);
    expect(textHasUrlCredentials('://user@host')).toBe(false); // no scheme
    expect(textHasUrlCredentials('a://'.repeat(20_000))).toBe(false);
  });
});
