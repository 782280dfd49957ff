import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectEngine, LABEL } from '../../src/runtime/docker/engine.js';
import { portFree } from '../../src/runtime/ports.js';
import { waitFor } from '../../src/util/time.js';
import { BIN, cli, ROOT } from '../helpers/cli.js';
import { SlowEngine } from '../helpers/slow-engine.js';
import { processesUnder } from '../integration/global-setup.js';

/**
 * A run interrupted at several moments, by SIGINT, SIGTERM and SIGKILL, leaves nothing: no
 * process, no container, no proxy (its Toxiproxy is gone, so are its toxics). SIGINT and
 * SIGTERM heal and tear down before exiting (130, 143); after a SIGKILL the watchdog (and
 * pdeathsig for processes) does it, and `streamchaos cleanup` then finds nothing left.
 */
const engine = await connectEngine(process.env, 3000).catch(() => undefined);
const dockerRequired = process.env.CI_REQUIRE_DOCKER === '1';
const EXPERIMENT = 'test/fixtures/experiments-real/short-latency.yaml';
const TOXIPROXY_API = '127.0.0.1:29474';

type Moment = 'setup' | 'mid-fault' | 'verification';

/** When the moment has come, from what the run prints (one line per phase) and records. */
function reached(moment: Moment, stderr: string, out: string): boolean {
  if (moment === 'setup') return stderr.includes('starting 3 brokers');
  if (moment === 'verification') return stderr.includes('checking the steady state after');
  const history = join(out, 'history.jsonl');
  return existsSync(history) && readFileSync(history, 'utf8').includes('"fault-start"');
}

/**
 * Runs the experiment and interrupts it at `moment` with `signal`, then checks that nothing of
 * it is left. `slowCreatesMs`: the run reaches the engine through a proxy that holds every
 * container create that long, so the signal lands while a create is in flight, and that
 * container comes into being after the harness stopped waiting for it.
 */
async function interrupt(moment: Moment, signal: NodeJS.Signals, runtime: 'process' | 'docker', slowCreatesMs?: number): Promise<void> {
  const name = `interrupt-${moment}-${signal}-${runtime}${slowCreatesMs === undefined ? '' : '-slow-create'}`;
  const out = join(inject('testRoot'), name);
  const slow =
    slowCreatesMs === undefined || engine === undefined
      ? undefined
      : await SlowEngine.start(join(inject('testRoot'), `${name}.sock`), engine.host, slowCreatesMs);
  try {
    await interruptRun(moment, signal, runtime, out, slow);
  } finally {
    await slow?.close();
  }
}

async function interruptRun(moment: Moment, signal: NodeJS.Signals, runtime: 'process' | 'docker', out: string, slow: SlowEngine | undefined): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'run', EXPERIMENT, '--runtime', runtime, '--out', out], {
    cwd: ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      STREAMCHAOS_STATE: join(inject('testRoot'), 'interrupt-state'),
      ...(slow === undefined ? {} : { DOCKER_HOST: slow.host }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, sig) => {
      ended = true;
      resolve({ code, signal: sig });
    }),
  );
  await waitFor(() => reached(moment, stderr, out), {
    what: `the run to reach ${moment}`,
    timeoutMs: 180_000,
    intervalMs: 50,
    abortIf: async () => (ended ? new Error(`the run ended before ${moment}:\n${stderr}`) : undefined),
  });
  if (slow !== undefined) await waitFor(() => slow.inFlight > 0, { what: 'a container create to be in flight', timeoutMs: 30_000, intervalMs: 10 });
  child.kill(signal);
  const end = await exited;
  if (signal === 'SIGKILL') expect(end.signal).toBe('SIGKILL');
  else expect(end.code, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
  // SIGINT and SIGTERM: the harness itself saw the create in flight answered before it exited (not left to its watchdog)
  if (slow !== undefined && signal !== 'SIGKILL') expect(slow.inFlight, 'creates unanswered when the harness exited').toBe(0);

  await waitFor(() => processesUnder(out).length === 0, {
    what: `every process of the run to be gone after ${signal} at ${moment}`,
    timeoutMs: 15_000,
    intervalMs: 100,
  });
  await waitFor(() => portFree(TOXIPROXY_API), { what: 'the Toxiproxy API port to be free', timeoutMs: 15_000, intervalMs: 100 });
  if (engine !== undefined) {
    // a create still in flight when the harness ended makes its container afterwards: wait for
    // every create to be answered, then nothing of ours may be there, in any state (Created too)
    await slow?.settled();
    const ours = async (): Promise<string[]> =>
      (await engine.docker.listContainers({ all: true, filters: { label: [LABEL.ours] } })).map((c) => `${c.Names[0]?.replace(/^\//, '')} (${c.State})`);
    await waitFor(async () => (await ours()).length === 0, {
      what: `every container of the run to be removed after ${signal} at ${moment}`,
      timeoutMs: 15_000,
      intervalMs: 200,
      hint: async () => `still there: ${(await ours()).join(', ')}`,
    });
  }
  const left = await cli(['cleanup', '--dry-run', '--json'], {});
  const found = JSON.parse(left.stdout) as { processes: unknown[]; containers: unknown[] };
  expect(found.processes).toEqual([]);
  expect(found.containers).toEqual([]);
}

describe('a run interrupted at any moment leaves nothing behind', () => {
  beforeAll(async () => {
    if (engine === undefined) return;
    const setup = await cli(['setup', '--docker'], {}, 900_000); // the images of the docker cases
    expect(setup.code, setup.stderr).toBe(0);
  });

  it('SIGTERM during setup (brokers starting)', () => interrupt('setup', 'SIGTERM', 'process'));
  it('SIGKILL during setup', () => interrupt('setup', 'SIGKILL', 'process'));
  it('SIGTERM in the middle of a fault', () => interrupt('mid-fault', 'SIGTERM', 'process'));
  it('SIGKILL in the middle of a fault', () => interrupt('mid-fault', 'SIGKILL', 'process'));
  it('SIGINT after the load, while the steady state and the output are checked', () => interrupt('verification', 'SIGINT', 'process'));
  it('SIGKILL after the load, while the steady state and the output are checked', () => interrupt('verification', 'SIGKILL', 'process'));
  it.skipIf(engine === undefined && !dockerRequired)('SIGKILL in the middle of a fault on the docker runtime: the watchdog removes every container', () =>
    interrupt('mid-fault', 'SIGKILL', 'docker'),
  );
  it.skipIf(engine === undefined && !dockerRequired)('SIGTERM during setup on the docker runtime', () => interrupt('setup', 'SIGTERM', 'docker'));
  it.skipIf(engine === undefined && !dockerRequired)(
    'SIGTERM during setup on the docker runtime while a container create is in flight: the teardown waits for it and removes the container',
    () => interrupt('setup', 'SIGTERM', 'docker', 3000),
  );
  it.skipIf(engine === undefined && !dockerRequired)(
    'SIGKILL during setup on the docker runtime while a container create is in flight: the watchdog removes the container it makes',
    () => interrupt('setup', 'SIGKILL', 'docker', 3000),
  );
});
