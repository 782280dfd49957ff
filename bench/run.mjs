// `npm run bench`: streamchaos's figures on this machine, each printed with its reference and
// the ratio. `--json` prints them as JSON; `--write` also writes bench/RESULTS.md;
// `--only verifier,producer` runs some sections. Every figure comes from a run made now.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const write = args.includes('--write');
const onlyArg = args[args.indexOf('--only') + 1];
const only = args.includes('--only') && onlyArg !== undefined ? new Set(onlyArg.split(',')) : undefined;
const say = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

/** @type {{section: string, name: string, value: number, unit: string, reference: string, referenceValue: number, ratio: number, goal?: string, met?: boolean, note?: string}[]} */
const figures = [];
const problems = [];

function figure(f) {
  figures.push(f);
  const goal = f.goal === undefined ? '' : `  goal ${f.goal}: ${f.met ? 'met' : 'NOT met'}`;
  say(
    `  ${f.name.padEnd(44)} ${fmt(f.value)} ${f.unit.padEnd(10)} vs ${f.reference} ${fmt(f.referenceValue)}  ratio ${f.ratio.toFixed(2)}${goal}${f.note === undefined ? '' : `  (${f.note})`}`,
  );
}

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function fmt(v) {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 10 ? 1 : 3);
}

const sections = {
  /** The exactly-once check over synthetic histories of 1M and 10M records, anomalies planted. */
  async verifier() {
    say('verifier: the exactly-once check over synthetic histories (anomalies planted, each must be found)');
    for (const [n, goalSeconds] of [
      [1_000_000, 1],
      [10_000_000, 10],
    ]) {
      const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=20000', join(here, 'verifier.mjs'), String(n)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0) {
        problems.push(`verifier at ${n} records: exit ${r.status}\n${r.stderr.slice(-2000)}`);
        continue;
      }
      const m = JSON.parse(r.stdout.trim().split('\n').pop());
      if (!m.correct) problems.push(`verifier at ${n} records found ${JSON.stringify(m.found)}, planted ${JSON.stringify(m.planted)}`);
      const label = n >= 10_000_000 ? '10M' : '1M';
      figure({
        section: 'verifier',
        name: `check ${label} records: time`,
        value: m.seconds,
        unit: 's',
        reference: 'goal',
        referenceValue: goalSeconds,
        ratio: m.seconds / goalSeconds,
        goal: `< ${goalSeconds} s`,
        met: m.seconds < goalSeconds,
      });
      figure({
        section: 'verifier',
        name: `check ${label} records: rate`,
        value: m.recordsPerSecond,
        unit: 'records/s',
        reference: 'goal',
        referenceValue: n / goalSeconds,
        ratio: m.recordsPerSecond / (n / goalSeconds),
      });
      if (n >= 10_000_000) {
        const gib = m.peakRssBytes / 2 ** 30;
        const own = m.checkBytes / 2 ** 30;
        figure({
          section: 'verifier',
          name: `check ${label} records: memory of the check itself`,
          value: own,
          unit: 'GiB',
          reference: 'goal',
          referenceValue: 1,
          ratio: own,
          goal: '< 1 GiB',
          met: own < 1,
          note: 'RSS grown during the check, beyond the history it was given',
        });
        figure({
          section: 'verifier',
          name: `check ${label} records: peak RSS (history held too)`,
          value: gib,
          unit: 'GiB',
          reference: 'goal',
          referenceValue: 1,
          ratio: gib,
          goal: '< 1 GiB',
          met: gib < 1,
          note: `the history alone, as objects: ${(m.rssBeforeCheckBytes / 2 ** 30).toFixed(2)} GiB`,
        });
      }
    }
  },
};

/** One single-broker environment for the producer and rate sections (started on first use). */
let single;
async function singleBroker() {
  const k = await import('./kafka.mjs');
  single ??= await k.up(1, 'single');
  return { k, env: single.env };
}

/** Stops the single-broker environment, so a section that starts its own has the machine (and the ports). */
async function releaseSingle() {
  if (single === undefined) return;
  const { env } = single;
  single = undefined;
  await env.down();
}

Object.assign(sections, {
  /** Our load generator vs Kafka's own ProducerPerformance, same broker and settings, alternating. */
  async producer() {
    const { k, env } = await singleBroker();
    const t = await k.kafkaTools();
    const classpath = k.toolsClasspath(t.kafka.classpath);
    const bootstrap = env.topology.observer; // both straight to the broker: the generators are measured, not the proxy
    say(`producer: ours vs Kafka's ProducerPerformance (${k.KAFKA_VERSION}), one broker, acks=all, idempotence on, 6 partitions, alternating runs`);
    // offered: far above what either reaches (a stalled lane holds 2 s of it, so not absurdly far)
    for (const [size, records, offered] of [
      [1024, 300_000, 100_000],
      [100, 1_000_000, 300_000],
    ]) {
      const ours = { librdkafka: [], kafkajs: [] };
      const theirs = [];
      for (let round = 0; round < 3; round++) {
        for (const client of ['librdkafka', 'kafkajs']) {
          ours[client].push(
            await k.ourProducer({
              bootstrap,
              topic: 'bench',
              partitions: 6,
              rate: offered,
              seconds: 12,
              payloadBytes: size,
              name: `ours-${client}-${size}-${round}`,
              client,
            }),
          );
        }
        theirs.push(await k.producerPerformance({ java: t.kafka.java.bin, classpath, bootstrap, topic: 'bench', records, recordSize: size }));
      }
      const theirRate = mean(theirs.map((x) => x.recordsPerSecond));
      const theirMb = mean(theirs.map((x) => x.mbPerSecond));
      for (const client of ['librdkafka', 'kafkajs']) {
        const oursRate = mean(ours[client].map((x) => x.recordsPerSecond));
        const oursMb = mean(ours[client].map((x) => x.mbPerSecond));
        figure({
          section: 'producer',
          name: `${size} B records on ${client}: records/s`,
          value: oursRate,
          unit: 'records/s',
          reference: 'ProducerPerformance',
          referenceValue: theirRate,
          ratio: oursRate / theirRate,
          ...(client === 'librdkafka' ? { goal: '≥ 0.8 (aim 1.0)', met: oursRate / theirRate >= 0.8 } : { note: 'the kafkajs figure, beside it' }),
        });
        figure({
          section: 'producer',
          name: `${size} B records on ${client}: MB/s`,
          value: oursMb,
          unit: 'MB/s',
          reference: 'ProducerPerformance',
          referenceValue: theirMb,
          ratio: oursMb / theirMb,
        });
      }
    }
  },

  /** The load generator holding a target rate for 30 s: achieved rate and per-second jitter. */
  async rate() {
    const { k, env } = await singleBroker();
    say('rate: our load generator at a target rate for 30 s (acknowledged records, one broker)');
    for (const target of [1000, 10_000]) {
      const r = await k.ourProducer({
        bootstrap: env.topology.observer,
        topic: 'bench',
        partitions: 6,
        rate: target,
        seconds: 31,
        payloadBytes: 256,
        name: `rate-${target}`,
      });
      const seconds = r.perSecond.slice(1, 31); // the first second ramps up
      const average = mean(seconds);
      const sd = Math.sqrt(mean(seconds.map((b) => (b - average) ** 2)));
      const error = average / target - 1;
      figure({
        section: 'rate',
        name: `${target}/s target: achieved`,
        value: average,
        unit: 'records/s',
        reference: 'target',
        referenceValue: target,
        ratio: average / target,
        goal: 'within ±2%',
        met: Math.abs(error) <= 0.02,
      });
      figure({
        section: 'rate',
        name: `${target}/s target: per-second jitter (sd)`,
        value: sd,
        unit: 'records/s',
        reference: 'target',
        referenceValue: target,
        ratio: sd / target,
        note: `min ${Math.min(...seconds)}, max ${Math.max(...seconds)}`,
      });
    }
  },

  /** A known 5 s outage of every client link, measured by the recovery checker, 5 times: the error. */
  async clock() {
    await releaseSingle();
    const k = await import('./kafka.mjs');
    say('clock: every client link cut for exactly 5 s (3 brokers, no failover possible), measured by the recovery checker, 5 times');
    const { env } = await k.up(3, 'clock');
    const errors = [];
    try {
      for (let round = 1; round <= 5; round++) {
        const r = await k.measuredOutage(env, 5, round);
        if (r.measuredSeconds === undefined) throw new Error(`round ${round}: no outage measured`);
        // against the cut as it held (the Timeline's own clock), not the nominal 5 s
        errors.push((r.measuredSeconds - r.cutSeconds) * 1000);
      }
    } finally {
      await env.down();
    }
    const meanError = mean(errors);
    const max = Math.max(...errors.map(Math.abs));
    figure({
      section: 'clock',
      name: '5 s outage: mean error',
      value: meanError,
      unit: 'ms',
      reference: 'goal',
      referenceValue: 100,
      ratio: Math.abs(meanError) / 100,
      goal: 'within ±100 ms',
      met: Math.abs(meanError) <= 100,
      note: `errors: ${errors.map((e) => e.toFixed(0)).join(', ')} ms`,
    });
    figure({
      section: 'clock',
      name: '5 s outage: max |error|',
      value: max,
      unit: 'ms',
      reference: 'goal',
      referenceValue: 100,
      ratio: max / 100,
      goal: 'within ±100 ms',
      met: max <= 100,
    });
  },

  /** The harness's own latency floor: no fault, 1,000 records/s on the default environment, end-to-end p99 per client. */
  async latency() {
    await releaseSingle();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const k = await import('./kafka.mjs');
    say('latency: end-to-end latency with no fault, 1,000 records/s, 30 s, on environments/local-3.yaml, per client');
    for (const client of ['librdkafka', 'kafkajs']) {
      const file = join(k.scratch, `latency-${client}.yaml`);
      writeFileSync(
        file,
        [
          `name: bench-latency-${client}`,
          `environment: ${join(here, '..', 'environments', 'local-3.yaml')}`,
          'seed: 3',
          'duration: 30s',
          `workload: { producers: [{ topic: orders, rate: 1000, keys: 200, payloadBytes: 256, client: ${client} }] }`,
          'slos: { exactlyOnce: true, orderedPerKey: true }',
          '',
        ].join('\n'),
      );
      const out = join(k.scratch, `latency-${client}`);
      const code = await new Promise((resolve) => {
        const child = spawn(process.execPath, [join(here, '..', 'bin', 'streamchaos.js'), 'run', file, '--out', out], {
          stdio: 'ignore',
          env: { ...process.env, NO_COLOR: '1' },
        });
        child.on('close', resolve);
      });
      if (code !== 0 && code !== 1) throw new Error(`the latency run on ${client} exited ${code}`);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
      const steady = result.latency?.steady;
      if (steady === undefined) throw new Error(`the latency run on ${client} measured no steady latency`);
      figure({
        section: 'latency',
        name: `steady p99, 1,000 records/s, ${client}`,
        value: steady.p99,
        unit: 'ms',
        reference: 'goal',
        referenceValue: 50,
        ratio: steady.p99 / 50,
        ...(client === 'librdkafka' ? { goal: '< 50 ms', met: steady.p99 < 50 } : {}),
        note: `p50 ${steady.p50} ms, max ${steady.max} ms over ${steady.count} records; verdict ${result.verdict}`,
      });
    }
  },

  /** The harness process's CPU seconds and peak RSS during a 60 s experiment at 5,000 records/s. */
  async footprint() {
    await releaseSingle();
    const { readFileSync } = await import('node:fs');
    const k = await import('./kafka.mjs');
    say('footprint: the harness process during a 60 s experiment at 5,000 records/s (bench/footprint.yaml)');
    const out = join(k.scratch, 'footprint');
    const runStarted = Date.now();
    const child = spawn(process.execPath, [join(here, '..', 'bin', 'streamchaos.js'), 'run', join(here, 'footprint.yaml'), '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const tick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    let cpu = 0;
    let peak = 0;
    let loadStart;
    let loadStop;
    const sample = () => {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpu = (Number(stat[11]) + Number(stat[12])) / tick; // utime + stime
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      } catch {
        // exited
      }
    };
    let err = '';
    const watch = (c) => {
      const text = String(c);
      err += text;
      // the progress lines that bracket the load
      if (loadStart === undefined && text.includes('running load for')) {
        sample();
        loadStart = { cpu, at: Date.now() };
      }
      if (loadStart !== undefined && loadStop === undefined && text.includes('load stopped')) {
        sample();
        loadStop = { cpu, at: Date.now() };
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    const poll = setInterval(sample, 250);
    const code = await new Promise((r) => child.on('close', r));
    clearInterval(poll);
    if (code !== 0 && code !== 1) throw new Error(`the footprint run exited ${code}:\n${err.slice(-1500)}`);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    const cores = cpus().length;
    if (loadStart === undefined || loadStop === undefined) throw new Error('the footprint run recorded no load start and stop');
    const loadSeconds = (loadStop.at - loadStart.at) / 1000;
    const loadCpu = loadStop.cpu - loadStart.cpu;
    const share = loadCpu / (loadSeconds * cores);
    figure({
      section: 'footprint',
      name: 'harness CPU under load (share of machine)',
      value: loadCpu,
      unit: 'CPU s',
      reference: 'machine',
      referenceValue: loadSeconds * cores,
      ratio: share,
      note: `${loadSeconds.toFixed(0)} s of load on ${cores} cores; ${result.exactlyOnce.acked} records acknowledged; verdict ${result.verdict}`,
    });
    const wall = (Date.now() - runStarted) / 1000;
    figure({
      section: 'footprint',
      name: 'harness CPU, whole run (share of machine)',
      value: cpu,
      unit: 'CPU s',
      reference: 'machine',
      referenceValue: wall * cores,
      ratio: cpu / (wall * cores),
      note: `${wall.toFixed(0)} s from command to exit`,
    });
    figure({
      section: 'footprint',
      name: 'harness peak RSS (share of machine)',
      value: peak / 2 ** 20,
      unit: 'MiB',
      reference: 'machine',
      referenceValue: totalmem() / 2 ** 20,
      ratio: peak / totalmem(),
    });
  },

  /** Command to a healthy 3-broker environment with its link proxies, warm (Kafka and Toxiproxy cached). */
  /** Checking a file costs time linear in its size: 10x the keys (or 10x a value's length), about 10x the time. */
  async validation() {
    say('validation: checking environment files of growing size (linear: 10x the input, about 10x the time; quadratic: 100x)');
    const { parseEnvironment } = await import('../dist/schema/load-environment.js');
    const refuse = (text) => {
      try {
        parseEnvironment(text, 'bench.yaml');
      } catch {
        return;
      }
      throw new Error('the bench file was accepted');
    };
    const best = (text) => {
      refuse(text); // warm up
      let ms = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        refuse(text);
        ms = Math.min(ms, performance.now() - started);
      }
      return ms;
    };
    const keys = (n) => `brokers:\n  count: 1\n  config:\n${Array.from({ length: n }, (_, i) => `    setting.${i}: v`).join('\n')}\n`;
    const value = (n) =>
      `brokers: { count: 1 }\ntopics:\n  - { name: t, partitions: 1, replicationFactor: 1, config: { compression.type: ${'lz4'.repeat(n)} } }\n`;
    for (const [name, make, small, big] of [
      ['60,000 keys in one mapping', keys, 6_000, 60_000],
      ['a 60 kB value', value, 2_000, 20_000],
    ]) {
      const smallMs = best(make(small));
      const bigMs = best(make(big));
      const ratio = bigMs / smallMs;
      figure({
        section: 'validation',
        name,
        value: bigMs,
        unit: 'ms',
        reference: 'a tenth of it',
        referenceValue: smallMs,
        ratio,
        goal: '< 20',
        met: ratio < 20,
      });
    }
  },

  async startup() {
    await releaseSingle();
    const k = await import('./kafka.mjs');
    say('startup: a healthy 3-broker environment with its link proxies (process and docker runtimes; warm: tools cached, cold: nothing cached)');
    const times = [];
    for (let i = 0; i < 2; i++) {
      const { env, ms } = await k.up(3, `startup-${i}`);
      times.push(ms / 1000);
      await env.down();
    }
    const one = await k.up(1, 'startup-single');
    await one.env.down();
    const warm = mean(times);
    figure({
      section: 'startup',
      name: '3 brokers + proxies, warm, process runtime',
      value: warm,
      unit: 's',
      reference: '1 broker',
      referenceValue: one.ms / 1000,
      ratio: warm / (one.ms / 1000),
      note: `runs: ${times.map((t) => t.toFixed(1)).join(', ')} s`,
    });

    // cold: Kafka's jars from Maven Central and Toxiproxy built with Go, into empty caches, then the start
    const coldDir = join(k.scratch, 'cold');
    try {
      const provisioned = await k.coldTools(coldDir);
      const { env, ms } = await k.up(3, 'startup-cold', { tools: provisioned.tools });
      await env.down();
      const cold = (provisioned.ms + ms) / 1000;
      figure({
        section: 'startup',
        name: '3 brokers + proxies, cold, process runtime',
        value: cold,
        unit: 's',
        reference: 'warm',
        referenceValue: warm,
        ratio: cold / warm,
        note: `fetching and building the tools ${(provisioned.ms / 1000).toFixed(1)} s, then the start ${(ms / 1000).toFixed(1)} s`,
      });
    } finally {
      k.removeCold(coldDir);
    }

    // docker: the engine that answers, else one started here (loopback only), stopped again after
    const dockerd = (command) => spawnSync(join(here, '..', 'scripts', 'dockerd.sh'), [command], { encoding: 'utf8' });
    const hadEngine = dockerd('status').status === 0;
    const start = dockerd('start');
    if (start.status !== 0) throw new Error(`no Docker engine for the docker runtime's startup: ${start.stderr.trim()}`);
    process.env.DOCKER_HOST = start.stdout.trim();
    try {
      const { DockerRuntime } = await import('../dist/runtime/docker/docker-runtime.js');
      const { connectEngine } = await import('../dist/runtime/docker/engine.js');
      // images: what the registry gives elsewhere; here (STREAMCHAOS_PULL=never) the local equivalents `setup --docker` builds
      const setup = spawnSync(process.execPath, [join(here, '..', 'bin', 'streamchaos.js'), 'setup', '--docker'], { encoding: 'utf8', env: process.env });
      if (setup.status !== 0) throw new Error(`streamchaos setup --docker failed:\n${(setup.stderr || setup.stdout).slice(-1500)}`);
      const runtime = new DockerRuntime(await connectEngine());
      const dockerTimes = [];
      for (let i = 0; i < 2; i++) {
        const { env, ms } = await k.up(3, `startup-docker-${i}`, { runtime });
        dockerTimes.push(ms / 1000);
        await env.down();
      }
      const docker = mean(dockerTimes);
      figure({
        section: 'startup',
        name: '3 brokers + proxies, warm, docker runtime',
        value: docker,
        unit: 's',
        reference: 'process runtime',
        referenceValue: warm,
        ratio: docker / warm,
        note: `runs: ${dockerTimes.map((t) => t.toFixed(1)).join(', ')} s; images built locally beforehand`,
      });
    } finally {
      if (!hadEngine) dockerd('stop');
    }
  },
});

const started = Date.now();
for (const [name, run] of Object.entries(sections)) {
  if (only !== undefined && !only.has(name)) continue;
  try {
    await run();
  } catch (e) {
    problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
await releaseSingle();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const result = { date: new Date().toISOString(), machine, seconds: (Date.now() - started) / 1000, figures, problems };
if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
for (const p of problems) process.stderr.write(`bench problem: ${p}\n`);
if (write) {
  const rows = figures.map(
    (f) =>
      `| ${f.section} | ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.reference} ${fmt(f.referenceValue)} | ${f.ratio.toFixed(2)} | ${f.goal === undefined ? '' : `${f.goal}: ${f.met ? 'met' : '**not met**'}`} | ${f.note ?? ''} |`,
  );
  writeFileSync(
    join(here, 'RESULTS.md'),
    `# Benchmark results\n\nWritten by \`npm run bench -- --write\` on ${result.date.slice(0, 10)}, on ${machine}${commit()}. Every figure comes from that run.\n\n| section | figure | value | reference | ratio | goal | note |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}
// nothing of a benchmark outlives it (its environments are down; kafkajs may keep a timer)
process.exit(problems.length === 0 ? 0 : 1);

function commit() {
  try {
    return `, at commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: here }).trim()}`;
  } catch {
    return '';
  }
}
