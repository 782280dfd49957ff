import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { readHistory } from '../../src/history/recorder.js';
import type { EventEntry, HistoryEntry } from '../../src/history/types.js';
import type { RunResult } from '../../src/check/result.js';
import { connectEngine, LABEL, type Engine } from '../../src/runtime/docker/engine.js';
import { waitFor } from '../../src/util/time.js';
import { BIN, cli, ROOT } from '../helpers/cli.js';
import { processesUnder } from '../integration/global-setup.js';

/**
 * The docker runtime, end to end as a user runs it: `streamchaos run x.yaml --runtime docker`
 * with every broker, Toxiproxy and our processor as containers (host networking, loopback).
 * Images: the public ones when the engine has them, else the local equivalents that
 * `streamchaos setup --docker` builds (no registry here). CI (.ci/run) starts an engine and
 * sets CI_REQUIRE_DOCKER=1, so these tests fail rather than skip there without one.
 */
const engine: Engine | undefined = await connectEngine(process.env, 3000).catch(() => undefined);
const required = process.env.CI_REQUIRE_DOCKER === '1';
const state = { STREAMCHAOS_STATE: join(inject('testRoot'), 'docker-run-state') };

async function ours(): Promise<string[]> {
  const list = await engine!.docker.listContainers({ all: true, filters: { label: [LABEL.ours] } });
  return list.map((c) => `${c.Names[0]} (${c.State})`);
}

async function runDocker(
  file: string,
  name: string,
): Promise<{ code: number | null; stdout: string; stderr: string; out: string; result: RunResult; history: HistoryEntry[] }> {
  const out = join(inject('testRoot'), `docker-${name}`);
  const r = await cli(['run', file, '--runtime', 'docker', '--out', out], state, 600_000);
  expect(existsSync(join(out, 'result.json')), `no result.json; exit ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(true);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  const history = await readHistory(join(out, 'history.jsonl'));
  return { ...r, out, result, history };
}

describe.skipIf(engine === undefined && !required)('streamchaos run --runtime docker, on real containers', () => {
  beforeAll(async () => {
    expect(engine, 'no Docker engine answers: .ci/run starts one with scripts/dockerd.sh').toBeDefined();
    const setup = await cli(['setup', '--docker'], {}, 900_000);
    expect(setup.code, setup.stdout + setup.stderr).toBe(0);
  });

  afterEach(async () => {
    // after every run, passed, failed or interrupted: nothing of ours is left on the engine
    expect(await ours()).toEqual([]);
  });

  it('leader-kill passes with brokers as containers, and its plan is the one `plan` prints for the same file and seed', async () => {
    const { code, stdout, result, history, out } = await runDocker('experiments/leader-kill.yaml', 'leader-kill');
    expect(code, stdout).toBe(0);
    expect(result.verdict).toBe('pass');
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0, corrupted: 0, reordered: 0 });
    expect(result.exactlyOnce.acked).toBeGreaterThan(5000);
    // the result (and the report) say what ran: which image, and whether it was a local equivalent
    expect(result.runtime?.name).toBe('docker');
    expect(result.runtime?.nodes.broker).toMatch(/^(apache\/kafka:4\.3\.1|streamchaos\/kafka:4\.3\.1 \(local equivalent of apache\/kafka:4\.3\.1\))$/);
    // the killed broker was a container: its log is in the run folder, streamed from the container
    const start = history.find((e): e is EventEntry => e.type === 'event' && e.kind === 'fault-start');
    expect(start?.target).toMatch(/^broker-\d$/);
    expect(readFileSync(join(out, 'environment', start!.target!, 'broker.log'), 'utf8')).toMatch(/Kafka Server started|KafkaRaftServer/);
    // no broker ran as a local process
    expect(processesUnder(out)).toEqual([]);

    const plan = await cli(['plan', 'experiments/leader-kill.yaml', '--json'], state);
    const run = history[0];
    expect(run?.type).toBe('run');
    expect(run?.type === 'run' ? run.plan : undefined).toEqual(JSON.parse(plan.stdout));
  });

  it('leader-isolated (a network partition of the leader from its peers) passes', async () => {
    const { code, stdout, result } = await runDocker('experiments/leader-isolated.yaml', 'leader-isolated');
    expect(code, stdout).toBe(0);
    expect(result.faults[0]).toMatchObject({ kind: 'isolate' });
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0 });
  });

  it('processor-crash passes with our processor in containers, killed and restarted', async () => {
    const { code, stdout, result, history } = await runDocker('experiments/processor-crash.yaml', 'processor-crash');
    expect(code, stdout).toBe(0);
    expect(result.faults[0]).toMatchObject({ kind: 'processor-kill', target: 'processor-1' });
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0 });
    const up = history.filter((e): e is EventEntry => e.type === 'event' && e.kind === 'node-up' && e.name === 'processor-1');
    expect(up.length).toBeGreaterThanOrEqual(2); // started, killed, started again
    expect(up.every((e) => typeof e.detail?.container === 'string')).toBe(true);
  });

  it('the at-least-once negative control fails with duplicates, as on the process runtime', async () => {
    const { code, result } = await runDocker('test/fixtures/experiments-real/at-least-once-control.yaml', 'alo');
    expect(code).toBe(1);
    expect(result.exactlyOnce.duplicated).toBeGreaterThan(0);
    expect(result.exactlyOnce.lost).toBe(0);
  });

  it('Ctrl-C in the middle of a fault removes every container and exits 130', async () => {
    const out = join(inject('testRoot'), 'docker-interrupted');
    const child = spawn(process.execPath, [BIN, 'run', 'experiments/leader-kill.yaml', '--runtime', 'docker', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...state },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor(() => readFileSync(join(out, 'history.jsonl'), 'utf8').includes('"fault-start"'), {
        what: 'the fault to be injected',
        timeoutMs: 180_000,
        intervalMs: 200,
      });
      expect((await ours()).length).toBeGreaterThan(0);
      child.kill('SIGINT');
      // the teardown's own bound is 90 s per exit hook; past that the harness is stuck
      const code = await Promise.race([exited, new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 120_000))]);
      expect(code, stderr).toBe(130);
    } finally {
      // a harness still running here would hold local-3's ports and fail every later test: kill it
      // (its watchdog then removes its containers, which afterEach checks)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
        await waitFor(async () => (await ours()).length === 0, { what: 'the watchdog to remove the containers', timeoutMs: 30_000, intervalMs: 300 }).catch(
          () => undefined,
        );
      }
    }
  }, 360_000);
});
