/**
 * `runtime: external`, as a user runs a gameday against a staging cluster: the cluster and its
 * Toxiproxy are started separately (`env up` in its own process, port base 25000: its client
 * link proxies play the user's proxies), and streamchaos only connects to them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { probeKafka } from '../../src/cluster/probe.js';
import { cli } from '../helpers/cli.js';

const root = join(inject('testRoot'), 'external');
const cliEnv = { STREAMCHAOS_STATE: join(root, 'state') };
const API = 'http://127.0.0.1:25474';
const PROXY = 'client-to-broker-1';

interface Toxic {
  name: string;
  type: string;
}

async function toxics(): Promise<Toxic[]> {
  const res = await fetch(`${API}/proxies/${PROXY}/toxics`);
  return (await res.json()) as Toxic[];
}

/** Runs `action` while polling the user's Toxiproxy every 300 ms; resolves with its result and the name of every toxic seen meanwhile. */
async function whileWatchingToxics<T>(action: () => Promise<T>): Promise<{ result: T; seen: Set<string> }> {
  const seen = new Set<string>();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      for (const t of await toxics().catch(() => [])) seen.add(t.name);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  try {
    return { result: await action(), seen };
  } finally {
    polling = false;
    await poll;
  }
}

function write(name: string, text: string): string {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
}

const externalEnv = (extra = 'nonProduction: true\n'): string => `name: staging-test
runtime: external
${extra}bootstrap: 127.0.0.1:25091
observer: 127.0.0.1:25191
toxiproxy:
  api: ${API}
  proxies:
    - { name: ${PROXY}, broker: 1 }
topics:
  - { name: ext-orders, partitions: 2, replicationFactor: 1 }
`;

const experiment = (env: string, timeline: string): string => `name: external-gameday
environment: ${env}
seed: 3
duration: 16s
workload:
  producers:
    - { topic: ext-orders, rate: 100, keys: 20, acks: all, idempotent: true }
timeline:
${timeline}
slos:
  exactlyOnce: true
`;

const LATENCY = '  - { name: slow clients to broker 1, at: 4s, duration: 6s, kind: latency, target: broker-1, links: clients, latency: 150ms }\n';

function historyOf(dir: string): { type: string; kind?: string; name?: string }[] {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; kind?: string; name?: string });
}

let experimentFile = '';

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  // the "user's" cluster and Toxiproxy, started separately (its own supervisor process)
  const cluster = write('separate-cluster.yaml', 'name: separate-cluster\nbrokers: { count: 1 }\nports: { base: 25000 }\n');
  const up = await cli(['env', 'up', cluster, '--json'], cliEnv);
  expect(up.code, up.stderr).toBe(0);
  // the user's own toxic, there before the run: it must survive it
  const res = await fetch(`${API}/proxies/${PROXY}/toxics`, {
    method: 'POST',
    body: JSON.stringify({ name: 'user-own-latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1 } }),
  });
  expect(res.ok).toBe(true);
  write('staging-test.yaml', externalEnv());
  experimentFile = write('external-gameday.yaml', experiment('staging-test.yaml', LATENCY));
});

afterAll(async () => {
  await cli(['env', 'down', 'separate-cluster'], cliEnv);
});

describe('an experiment against an external environment', () => {
  it('refuses without --yes when stdin is not a terminal, before touching the cluster', async () => {
    const out = join(root, 'no-yes');
    const r = await cli(['run', experimentFile, '--out', out], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to inject faults into external environment staging-test');
    expect(r.stderr).toContain('--yes');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(out, 'history.jsonl'))).toBe(false);
    expect((await toxics()).map((t) => t.name)).toEqual(['user-own-latency']);
  });

  it('refuses an environment not marked nonProduction: true, naming the file, line and field', async () => {
    write('unmarked.yaml', externalEnv(''));
    const file = write('unmarked-gameday.yaml', experiment('unmarked.yaml', LATENCY));
    const r = await cli(['run', file, '--yes'], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unmarked\.yaml:1:1: nonProduction: missing: .*add 'nonProduction: true'/);
  });

  it('refuses a broker kill before anything runs: streamchaos does not run these brokers', async () => {
    const file = write('kill-gameday.yaml', experiment('staging-test.yaml', '  - { at: 4s, kind: broker-kill, target: broker-1, duration: 5s }\n'));
    const r = await cli(['run', file, '--yes'], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /kill-gameday\.yaml:\d+:\d+: timeline\[0\]\.kind: broker-kill is not possible in external environment staging-test: streamchaos does not run its brokers/,
    );
    const plan = await cli(['plan', experimentFile], cliEnv);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('faults possible here:');
    expect(plan.stdout).toMatch(/✗ broker-kill, .*: streamchaos does not run these brokers/);
    expect(plan.stdout).toMatch(/✗ network faults on replication/);
  });

  it("runs with --yes through the user's proxy: exactly-once holds, only our toxic came and went, the cluster stays up", async () => {
    const out = join(root, 'run');
    const { result: r, seen } = await whileWatchingToxics(() => cli(['run', experimentFile, '--yes', '--out', out], cliEnv));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      verdict: string;
      exactlyOnce: { lost: number; duplicated: number };
      faults: { kind: string; injectedAt?: string; healedAt?: string }[];
    };
    expect(result.verdict).toBe('pass');
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]?.injectedAt).toBeDefined();
    expect(result.faults[0]?.healedAt).toBeDefined();
    // the fault went through the user's Toxiproxy, as a toxic of ours
    expect([...seen].some((n) => /^streamchaos-.+-\d+-latency-/.test(n))).toBe(true);
    // after the run: the user's toxic is still there, ours are gone, the proxy is enabled
    expect((await toxics()).map((t) => t.name)).toEqual(['user-own-latency']);
    const proxy = (await (await fetch(`${API}/proxies/${PROXY}`)).json()) as { enabled: boolean };
    expect(proxy.enabled).toBe(true);
    // the harness did not stop the cluster it did not start
    expect(await probeKafka('127.0.0.1:25191', 2000)).toBe(true);
    const status = await cli(['env', 'status', '--json'], cliEnv);
    expect((JSON.parse(status.stdout) as { name: string; up: boolean }[]).find((s) => s.name === 'separate-cluster')?.up).toBe(true);
  });

  it('--dry-run runs the workload and the checks with no fault, and says so', async () => {
    const out = join(root, 'dry');
    // no --yes needed: nothing is injected
    const { result: r, seen } = await whileWatchingToxics(() => cli(['run', experimentFile, '--dry-run', '--out', out], cliEnv));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('DRY RUN: no fault was injected');
    expect([...seen]).toEqual(['user-own-latency']);
    const history = historyOf(out);
    expect(history.filter((e) => e.kind === 'fault-start')).toEqual([]);
    expect(history.some((e) => e.kind === 'note' && e.name === 'dry run: no fault injected')).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('DRY RUN');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { verdict: string; plan: { dryRun?: boolean } };
    expect(result.plan.dryRun).toBe(true);
    expect(result.verdict).toBe('pass');
  });
});
