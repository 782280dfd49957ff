/**
 * An external environment that wants SASL: one KRaft broker with a SASL_PLAINTEXT listener
 * (PLAIN), started here with our own server.properties from the provisioned jars. A run with a
 * processor (kafkajs clients, our raw wire-protocol observer and watcher) authenticates with
 * credentials from environment variables, and the password is in no file the run writes.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { probeKafka } from '../../src/cluster/probe.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/provision/kafka.js';
import { ensureTools } from '../../src/provision/tools.js';
import { brokerJavaArgs, formatStorage, newClusterId, writeBrokerFiles } from '../../src/runtime/broker-files.js';
import { ProcessNode } from '../../src/runtime/process/process-node.js';
import { topology } from '../../src/network/topology.js';
import { managedOnly } from '../../src/schema/environment.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { waitFor } from '../../src/util/time.js';
import { cli } from '../helpers/cli.js';

const root = join(inject('testRoot'), 'external-sasl');
const PASSWORD = 'Pw-needle-7Qx2-do-not-leak';
const USER = 'gameday';
const LISTENER = '127.0.0.1:24292';
const silent = { step: () => undefined, detail: () => undefined, done: () => undefined };
let broker: ProcessNode | undefined;

function serverProperties(dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    'controller.quorum.voters=1@127.0.0.1:24491',
    `listeners=SASL_PLAINTEXT://${LISTENER},CONTROLLER://127.0.0.1:24491`,
    `advertised.listeners=SASL_PLAINTEXT://${LISTENER}`,
    'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'sasl.enabled.mechanisms=PLAIN',
    'sasl.mechanism.inter.broker.protocol=PLAIN',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${USER}" password="${PASSWORD}" user_${USER}="${PASSWORD}";`,
    `log.dirs=${dataDir}`,
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  const tools = await ensureTools(DEFAULT_KAFKA_VERSION, silent);
  // a managed spec only for the JVM flags and logging files; the properties are ours
  const spec = managedOnly(parseEnvironment('brokers: { count: 1 }\nports: { base: 24000 }\n', 'sasl-broker.yaml'), 'test');
  const files = await writeBrokerFiles(join(root, 'broker'), spec, topology(1, 24000), 1, tools.kafka);
  writeFileSync(files.properties, serverProperties(join(files.dir, 'data')));
  await formatStorage(files, newClusterId(), tools.kafka);
  broker = await ProcessNode.spawn({
    name: 'broker-1',
    command: tools.kafka.java.bin,
    args: brokerJavaArgs(spec, files, tools.kafka.classpath, { hostsFile: false }),
    cwd: files.dir,
    logFile: files.log,
  });
  await waitFor(() => probeKafka(LISTENER, 1000), {
    what: `the SASL broker to answer on ${LISTENER}`,
    timeoutMs: 90_000,
    intervalMs: 500,
    hint: () => broker?.tail(20) ?? Promise.resolve(''),
  });
  writeFileSync(
    join(root, 'sasl-staging.yaml'),
    `name: sasl-staging
runtime: external
nonProduction: true
bootstrap: ${LISTENER}
security:
  protocol: SASL_PLAINTEXT
  sasl: { mechanism: PLAIN, usernameEnv: SC_TEST_KAFKA_USER, passwordEnv: SC_TEST_KAFKA_PASSWORD }
topics:
  - { name: sasl-in, partitions: 2, replicationFactor: 1 }
  - { name: sasl-out, partitions: 2, replicationFactor: 1 }
`,
  );
  writeFileSync(
    join(root, 'sasl-run.yaml'),
    `name: sasl-run
environment: sasl-staging.yaml
duration: 10s
workload:
  producers:
    - { topic: sasl-in, rate: 50, keys: 10, acks: all, idempotent: true }
  processor: { input: sasl-in, output: sasl-out, instances: 1, mode: exactly-once }
timeline:
  - { at: 3s, kind: processor-kill, target: processor-1, duration: 3s }
slos:
  exactlyOnce: true
`,
  );
});

afterAll(async () => {
  await broker?.stop(10_000);
});

describe('an external environment with SASL/PLAIN from environment variables', () => {
  it('refuses to start when a variable is not set, naming it (exit 2)', async () => {
    const r = await cli(['run', join(root, 'sasl-run.yaml'), '--yes', '--out', join(root, 'no-var')], { SC_TEST_KAFKA_USER: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environment variable SC_TEST_KAFKA_PASSWORD is not set');
  });

  it('runs producers, our processor, the observer and the watcher authenticated; the password is in no output file', async () => {
    const out = join(root, 'run');
    const r = await cli(['run', join(root, 'sasl-run.yaml'), '--yes', '--out', out], { SC_TEST_KAFKA_USER: USER, SC_TEST_KAFKA_PASSWORD: PASSWORD });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { verdict: string; exactlyOnce: { outputRecords?: number } };
    expect(result.verdict).toBe('pass');
    // the raw wire-protocol watcher (authenticated with SaslHandshake + SaslAuthenticate) saw the output as it was written
    const history = readFileSync(join(out, 'history.jsonl'), 'utf8');
    expect(history).toMatch(/"sasl-out"/);
    const files = filesUnder(out);
    expect(files.map((f) => f.replace(out, ''))).toEqual(
      expect.arrayContaining(['/history.jsonl', '/result.json', '/report.html', '/junit.xml', '/harness.log']),
    );
    for (const f of files) expect(readFileSync(f, 'utf8').includes(PASSWORD), `${f} contains the password`).toBe(false);
    expect(r.stdout.includes(PASSWORD) || r.stderr.includes(PASSWORD)).toBe(false);
  });

  it('stops at once when the cluster refuses the credentials (exit 2), without showing the password', async () => {
    const wrong = 'wrong-needle-9Zq';
    const r = await cli(
      ['run', join(root, 'sasl-run.yaml'), '--dry-run', '--out', join(root, 'wrong')],
      { SC_TEST_KAFKA_USER: USER, SC_TEST_KAFKA_PASSWORD: wrong },
      240_000,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(wrong);
    expect(r.stderr).toMatch(/refused the credentials \(PLAIN as 'gameday'\)/);
  });
});
