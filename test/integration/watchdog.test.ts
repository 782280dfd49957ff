import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { localImageName } from '../../src/provision/image-names.js';
import { connectEngine } from '../../src/runtime/docker/engine.js';
import { pidAlive } from '../../src/util/processes.js';
import { leftoverProcesses } from '../../src/runtime/leftovers.js';
import { waitFor } from '../../src/util/time.js';
import { cli, ROOT } from '../helpers/cli.js';

/**
 * A harness killed with SIGKILL cannot clean up: its watchdog does. These tests start a small
 * stand-in harness (a Node script using the built modules), let it start what a run starts,
 * kill it with SIGKILL and look for what it left.
 */
const engine = await connectEngine(process.env, 3000).catch(() => undefined);
const dockerRequired = process.env.CI_REQUIRE_DOCKER === '1';
const DIST = join(ROOT, 'dist', 'runtime');

/** Runs `body` (ESM, top-level await) as a harness; resolves with its pid and the first line it prints. */
async function harness(name: string, body: string): Promise<{ pid: number; said: string }> {
  const file = join(inject('testRoot'), `${name}.mjs`);
  writeFileSync(file, body);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'], cwd: inject('testRoot') });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const said = await waitFor(() => (out.includes('\n') ? out.split('\n')[0] : undefined), {
    what: `${name} to start what it starts`,
    timeoutMs: 60_000,
    intervalMs: 50,
  });
  return { pid: child.pid!, said: said! };
}

describe('the watchdog, when the harness is killed with SIGKILL', () => {
  it('kills a process the harness started that nothing else ties to it (no pdeathsig)', async () => {
    const { pid, said } = await harness(
      'harness-process',
      `import { spawn } from 'node:child_process';
       import { startWatchdog } from '${DIST}/watchdog.js';
       import { OWNER_VARIABLE } from '${DIST}/leftovers.js';
       startWatchdog();
       const sleeper = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...process.env, [OWNER_VARIABLE]: String(process.pid) } });
       console.log(sleeper.pid);
       setInterval(() => {}, 1000);`,
    );
    const sleeper = Number(said);
    expect(pidAlive(sleeper)).toBe(true);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !pidAlive(sleeper) || isZombie(sleeper), { what: `the watchdog to kill sleep ${sleeper}`, timeoutMs: 10_000, intervalMs: 100 });
    expect(leftoverProcesses(pid)).toEqual([]);
  });

  it.skipIf(engine === undefined && !dockerRequired)('removes the containers the harness started', async () => {
    expect(engine, 'no Docker engine answers').toBeDefined();
    const setup = await cli(['setup', '--docker'], {}, 900_000);
    expect(setup.code, setup.stderr).toBe(0);
    const { pid, said } = await harness(
      'harness-container',
      `import { Container } from '${DIST}/docker/container.js';
       import { connectEngine } from '${DIST}/docker/engine.js';
       const { docker } = await connectEngine();
       const c = await Container.create(docker, { containerName: 'streamchaos-test-watchdog', node: 'toxiproxy', image: '${localImageName('toxiproxy', '2.12.0')}',
         cmd: ['-host', '127.0.0.1', '-port', '28475'], binds: [], labels: { 'io.streamchaos.test': 'watchdog' }, logFile: '/dev/null', runAsHarnessUser: true });
       await c.start();
       console.log(c.container);
       setInterval(() => {}, 1000);`,
    );
    const id = said;
    expect((await engine!.docker.getContainer(id).inspect()).State.Running).toBe(true);
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (await engine!.docker.listContainers({ all: true, filters: { id: [id] } })).length === 0, {
      what: `the watchdog to remove container ${id.slice(0, 12)}`,
      timeoutMs: 15_000,
      intervalMs: 200,
    });
  });

  it('streamchaos cleanup finds and kills a process whose run is gone, and --dry-run only lists it', async () => {
    const dead = spawnSync('true').pid!;
    const orphan = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...process.env, STREAMCHAOS_OWNER_PID: String(dead) } });
    try {
      const listed = await cli(['cleanup', '--dry-run', '--json'], {});
      expect(listed.code).toBe(0);
      const found = JSON.parse(listed.stdout) as { dryRun: boolean; processes: { pid: number }[] };
      expect(found.processes.map((p) => p.pid)).toContain(orphan.pid);
      expect(pidAlive(orphan.pid!)).toBe(true);

      const removed = await cli(['cleanup'], {});
      expect(removed.code).toBe(0);
      expect(removed.stdout).toMatch(new RegExp(`removed .*\\n  process ${orphan.pid} \\(its run, pid ${dead}, is gone\\): sleep 300`));
      await waitFor(() => !pidAlive(orphan.pid!) || isZombie(orphan.pid!), { what: 'the orphan to be killed', timeoutMs: 5000 });
      const again = await cli(['cleanup'], {});
      expect(again.stdout).not.toContain(`process ${orphan.pid}`);
    } finally {
      orphan.kill('SIGKILL');
    }
  });
});

/** A process that exited but whose parent (this test) has not reaped it yet. */
function isZombie(pid: number): boolean {
  const r = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return r.stdout.trim().startsWith('Z');
}
