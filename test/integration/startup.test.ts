import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { EnvironmentError, TimeoutError } from '../../src/errors.js';
import { silentProgress } from '../../src/provision/progress.js';
import { ensureTools } from '../../src/provision/tools.js';
import { ProcessRuntime } from '../../src/runtime/process/process-runtime.js';
import { parseEnvironment as parseAny } from '../../src/schema/load-environment.js';
import { managedOnly, type ManagedEnvironmentSpec } from '../../src/schema/environment.js';

const parseEnvironment = (text: string, file: string): ManagedEnvironmentSpec => managedOnly(parseAny(text, file), 'test');
import { processesUnder } from './global-setup.js';
import { testKafka } from '../helpers/kafka-client.js';

const single = readFileSync('environments/single.yaml', 'utf8');

/** The shipped single-broker environment, on its own ports, at another Kafka version if asked. */
function singleAt(base: number, version?: string): string {
  const text = single.replace(/base: \d+/, `base: ${base}`);
  return version === undefined ? text : text.replace(/version: "?[\d.]+"?/, `version: "${version}"`);
}

async function upAndUse(name: string, text: string): Promise<string> {
  const spec = parseEnvironment(text, `${name}.yaml`);
  const tools = await ensureTools(spec.kafka.version, silentProgress);
  const dir = join(inject('testRoot'), name);
  const env = await new ProcessRuntime(tools).up(spec, { dir, progress: silentProgress });
  try {
    expect(await env.observer.liveBrokers()).toEqual([1]);
    const kafka = testKafka(env.topology.bootstrap);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const [ack] = await producer.send({ topic: 'orders', acks: -1, messages: [{ key: 'k', value: 'v' }] });
    await producer.disconnect();
    expect(ack?.errorCode).toBe(0);
    return readFileSync(join(dir, 'broker-1', 'broker.log'), 'utf8');
  } finally {
    await env.down();
    expect(processesUnder(dir)).toEqual([]);
  }
}

describe('starting environments', () => {
  it('starts the shipped single-broker environment', async () => {
    const log = await upAndUse('single', singleAt(26000));
    expect(log).toMatch(/Kafka version: 4\.3\.1/);
  });

  it('runs Kafka 3.9.1 too, resolved from Maven Central at that version', async () => {
    const log = await upAndUse('single-3.9', singleAt(26000, '3.9.1'));
    expect(log).toMatch(/Kafka version: 3\.9\.1/);
  });

  async function failedUp(name: string, text: string): Promise<EnvironmentError> {
    const spec = parseEnvironment(text, `${name}.yaml`);
    const tools = await ensureTools(spec.kafka.version, silentProgress);
    const dir = join(inject('testRoot'), name);
    const error = await new ProcessRuntime(tools).up(spec, { dir, progress: silentProgress, timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(processesUnder(dir)).toEqual([]);
    return error as EnvironmentError;
  }

  it('says which setting a broker rejected, without a Java stack trace', async () => {
    const e = await failedUp('bad-config', singleAt(26000).replace(/^ {2}config:$/m, '  config:\n    num.io.threads: -3'));
    expect(e.message).toBe(
      'broker 1 did not accept its configuration (kafka-storage format exited 1): ConfigException: Invalid value -3 for configuration num.io.threads: Value must be at least 1',
    );
    expect(e.hint).toContain('brokers.config');
  });

  it('fails fast with the tail of the broker log when a broker dies at startup', async () => {
    const e = await failedUp('bad-jvm', singleAt(26000).replace(/^ {2}heap: 512m$/m, '  heap: 512m\n  jvmOptions: ["-XX:+NoSuchJvmFlagForStreamchaos"]'));
    expect(e.message).toMatch(/broker-1 exited \(code 1\); last lines of .*broker\.log:/);
    expect(e.message).toContain('Unrecognized VM option');
    expect(e).not.toBeInstanceOf(TimeoutError); // it noticed the exit instead of sitting out the startup timeout
  });

  it('refuses to start on ports already in use, naming them', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(26091, '127.0.0.1', resolve));
    try {
      const spec = parseEnvironment(singleAt(26000), 'busy.yaml');
      const tools = await ensureTools(spec.kafka.version, silentProgress);
      await expect(new ProcessRuntime(tools).up(spec, { dir: join(inject('testRoot'), 'busy'), progress: silentProgress })).rejects.toThrow(
        '127.0.0.1:26091 already in use',
      );
    } finally {
      blocker.close();
    }
  });
});
