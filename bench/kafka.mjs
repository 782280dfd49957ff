// What the Kafka benchmarks share: one broker (or three) started through streamchaos's own
// process runtime, Kafka's own tools from Maven Central, and our load generator run bare.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryRecorder } from '../dist/history/recorder.js';
import { silentProgress } from '../dist/provision/progress.js';
import { ensureTools } from '../dist/provision/tools.js';
import { ProcessRuntime } from '../dist/runtime/process/process-runtime.js';
import { managedOnly } from '../dist/schema/environment.js';
import { parseEnvironment } from '../dist/schema/load-environment.js';
import { createLoadGenerator } from '../dist/workload/load-generator.js';
import { Random } from '../dist/util/random.js';

export const KAFKA_VERSION = '4.3.1';
export const scratch = mkdtempSync(join(tmpdir(), 'streamchaos-bench-'));

/** An environment of `brokers` brokers on ports from `base` (clear of the tests' 27000 and a user's 29000). */
export function environmentText(brokers, base = 28000) {
  const rf = Math.min(3, brokers);
  return `
name: bench-${brokers}
kafka: { version: "${KAFKA_VERSION}" }
brokers:
  count: ${brokers}
  heap: 1g
  config:
    offsets.topic.replication.factor: ${rf}
    transaction.state.log.replication.factor: ${rf}
    transaction.state.log.min.isr: 1
ports: { base: ${base} }
topics:
  - name: bench
    partitions: 6
    replicationFactor: ${rf}
    config: { min.insync.replicas: 1 }
`;
}

let tools;
export async function kafkaTools() {
  tools ??= await ensureTools(KAFKA_VERSION, silentProgress);
  return tools;
}

/** Starts an environment with streamchaos's process runtime; returns it and how long it took (ms). */
export async function up(brokers, name, { runtime: given, tools: givenTools } = {}) {
  const spec = managedOnly(parseEnvironment(environmentText(brokers), `${name}.yaml`), 'the benchmark');
  const runtime = given ?? new ProcessRuntime(givenTools ?? (await kafkaTools()));
  const started = performance.now();
  const env = await runtime.up(spec, { dir: join(scratch, name), progress: silentProgress });
  return { env, ms: performance.now() - started };
}

/**
 * Kafka and Toxiproxy provisioned into empty caches: streamchaos's own, Maven's local
 * repository and Go's module and build caches, all under `dir`, so everything comes from
 * Maven Central and the Go module proxy and is built now. Returns the tools and how long (ms).
 */
export async function coldTools(dir) {
  const env = {
    ...process.env,
    STREAMCHAOS_CACHE: join(dir, 'streamchaos'),
    MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ''} -Dmaven.repo.local=${join(dir, 'm2')}`.trim(),
    GOMODCACHE: join(dir, 'gomod'),
    GOCACHE: join(dir, 'gobuild'),
    GOPATH: join(dir, 'gopath'),
  };
  const started = performance.now();
  const cold = await ensureTools(KAFKA_VERSION, silentProgress, env);
  return { tools: cold, ms: performance.now() - started };
}

/** Removes what coldTools made (Go's module cache is read-only). */
export function removeCold(dir) {
  if (!existsSync(dir)) return;
  execFileSync('chmod', ['-R', 'u+w', dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** The classpath of Kafka's own tools (ProducerPerformance): kafka-tools and its dependencies, resolved once into the cache. */
export function toolsClasspath(brokerLibs) {
  const cache = process.env.STREAMCHAOS_CACHE ?? join(homedir(), '.cache', 'streamchaos');
  const dir = join(cache, `kafka-tools-${KAFKA_VERSION}`);
  if (!existsSync(join(dir, 'libs'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>io.streamchaos</groupId><artifactId>kafka-tools-bench</artifactId><version>1</version><packaging>pom</packaging>
<dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${KAFKA_VERSION}</version></dependency></dependencies></project>\n`,
    );
    const staging = join(dir, 'libs.partial');
    rmSync(staging, { recursive: true, force: true });
    execFileSync('mvn', ['-B', '-q', '-ntp', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    renameSync(staging, join(dir, 'libs'));
  }
  if (readdirSync(join(dir, 'libs')).length === 0) throw new Error(`no jars in ${join(dir, 'libs')}`);
  return `${join(dir, 'libs', '*')}:${brokerLibs}`;
}

/** Kafka's own kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance): records/s and MB/s. */
export async function producerPerformance({ java, classpath, bootstrap, topic, records, recordSize }) {
  const args = [
    '-Xmx1g',
    '-cp',
    classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=all',
    'enable.idempotence=true',
  ];
  const out = await new Promise((resolve, reject) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.stderr.on('data', (c) => (text += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(text) : reject(new Error(`ProducerPerformance exited ${code}:\n${text.slice(-1500)}`));
    });
  });
  // "300000 records sent, 51234.5 records/sec (50.03 MB/sec), 412.3 ms avg latency, …" (the last such line is the total)
  const totals = [...out.matchAll(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/g)].pop();
  if (totals === undefined) throw new Error(`no totals in ProducerPerformance's output:\n${out.slice(-1500)}`);
  return { records: Number(totals[1]), recordsPerSecond: Number(totals[2]), mbPerSecond: Number(totals[3]) };
}

/**
 * Our load generator as a run drives it, for `seconds` at `rate` records/s (a huge rate: as fast
 * as it goes), acks=all and idempotence on. Returns acknowledged records/s, MB/s of values and
 * the acknowledged records of every whole second.
 */
export async function ourProducer({ bootstrap, topic, partitions, rate, seconds, payloadBytes, name, client = 'librdkafka' }) {
  const history = new HistoryRecorder(join(scratch, `${name}.jsonl`));
  const spec = { name, topic, rate, keys: 1000, payloadBytes, acks: 'all', idempotent: true, instances: 1, client };
  const producer = createLoadGenerator(client, { name, spec, partitions, bootstrap, history, random: new Random(7), log: () => undefined });
  await producer.start();
  const perSecond = [];
  let last = 0;
  const started = performance.now();
  const ticker = setInterval(() => {
    perSecond.push(producer.stats.acked - last);
    last = producer.stats.acked;
  }, 1000);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(ticker);
  const acked = producer.stats.acked;
  const elapsed = (performance.now() - started) / 1000;
  await producer.stop();
  await history.close();
  rmSync(history.file, { force: true });
  return { recordsPerSecond: acked / elapsed, mbPerSecond: (acked * payloadBytes) / elapsed / 2 ** 20, perSecond };
}

/**
 * The known truth for the clock: every client link of `env` cut for exactly `seconds` (brokers
 * keep running and keep their leaders: no failover), under a real producer; returns how long
 * the cut held and the outage the recovery checker measured from the History alone.
 */
export async function measuredOutage(env, seconds, round, client = 'librdkafka') {
  const { measure } = await import('../dist/check/measure.js');
  const { Timeline } = await import('../dist/experiment/timeline.js');
  const { DEFAULT_RECOVERY } = await import('../dist/history/slos.js');
  const producer = { name: 'clock', topic: 'bench', rate: 400, keys: 50, payloadBytes: 100, acks: 'all', idempotent: true, instances: 1, client };
  const history = new HistoryRecorder(join(scratch, `clock-${round}.jsonl`));
  const plan = {
    name: 'clock',
    seed: round,
    durationMs: 0,
    environment: { name: 'bench-3', brokers: 3, kafka: KAFKA_VERSION, topics: ['bench'] },
    producers: [{ ...producer, transactional: false, partitions: 6 }],
    timeline: [],
    steadyState: { before: [], after: [] },
    slos: { exactlyOnce: true, orderedPerKey: false, recovery: DEFAULT_RECOVERY },
  };
  history.record({ type: 'run', time: Date.now(), name: 'clock', seed: round, plan, command: 'bench', version: '0' });
  const cut = {
    name: `cut every client link for ${seconds} s`,
    kind: 'isolate',
    target: { type: 'all-brokers' },
    from: 'clients',
    atMs: 6000,
    healAtMs: 6000 + seconds * 1000,
  };
  const load = createLoadGenerator(client, {
    name: 'clock',
    spec: producer,
    partitions: 6,
    bootstrap: env.topology.bootstrap,
    history,
    random: new Random(round),
    log: () => undefined,
  });
  const timeline = new Timeline({
    faults: [cut],
    seed: round,
    history,
    context: (random) => ({ env, network: env.network, topology: env.topology, observer: env.observer, history, random, log: () => undefined }),
  });
  try {
    await load.start();
    const t0 = Date.now();
    history.record({ type: 'event', kind: 'load', name: 'start', time: t0 });
    timeline.start(t0);
    await new Promise((r) => setTimeout(r, 6000 + seconds * 1000 + 6000));
    history.record({ type: 'event', kind: 'load', name: 'stop', time: Date.now() });
    await load.stop();
  } finally {
    await timeline.healAll();
    await timeline.settled();
    await history.close();
  }
  const outcome = timeline.results()[0];
  if (outcome.error !== undefined) throw new Error(outcome.error);
  const f = measure(history.entries()).faults[0];
  rmSync(history.file, { force: true });
  return { cutSeconds: (outcome.healedAt - outcome.injectedAt) / 1000, measuredSeconds: f.outageSeconds };
}
