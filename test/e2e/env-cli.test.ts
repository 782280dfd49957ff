import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hasCommand, processesUnder } from '../integration/global-setup.js';
import { cli } from '../helpers/cli.js';

const state = join(inject('testRoot'), 'cli-state');
const env = { STREAMCHAOS_STATE: state };

afterAll(async () => {
  await cli(['env', 'down'], env);
});

describe('streamchaos env, as a user runs it', () => {
  it('env up --json starts the default environment that an independent client (kcat) sees; env down leaves nothing behind', async () => {
    const up = await cli(['env', 'up', 'environments/local-3.yaml', '--json'], env);
    expect(up.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(up.code).toBe(0);
    const info = JSON.parse(up.stdout) as { bootstrap: string; observer: string; toxiproxy: string; nodes: { name: string; pid: number }[] };
    expect(info.bootstrap).toBe('127.0.0.1:29091,127.0.0.1:29092,127.0.0.1:29093');
    expect(info.observer).toBe('127.0.0.1:29191,127.0.0.1:29192,127.0.0.1:29193');
    expect(info.toxiproxy).toBe('http://127.0.0.1:29474');

    expect(hasCommand('kcat')).toBe(true);
    const listing = execFileSync('kcat', ['-L', '-b', info.bootstrap, '-m', '10'], { encoding: 'utf8' });
    expect(listing).toMatch(/3 brokers:/);
    for (const port of [29091, 29092, 29093]) expect(listing).toContain(`127.0.0.1:${port}`);
    expect(listing).toMatch(/topic "orders" with 6 partitions/);
    expect(listing).toMatch(/topic "orders-processed" with 6 partitions/);

    const status = await cli(['env', 'status', '--json'], env);
    const [s] = JSON.parse(status.stdout) as { up: boolean; brokers: { answering: boolean }[]; toxiproxyAnswering: boolean }[];
    expect(s?.up).toBe(true);
    expect(s?.brokers.map((b) => b.answering)).toEqual([true, true, true]);
    expect(s?.toxiproxyAnswering).toBe(true);

    const again = await cli(['env', 'up', 'environments/local-3.yaml', '--json'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already up');

    const down = await cli(['env', 'down'], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('stopped local-3');
    const pids = info.nodes.map((n) => n.pid);
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(processesUnder(state)).toEqual([]);

    const twice = await cli(['env', 'down'], env);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('no environment is up');
  });

  it('rejects a bad environment file with file:line and field, exit 2, no stack trace', async () => {
    const r = await cli(['env', 'up', 'test/fixtures/environments/rf-more-than-brokers.yaml'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rf-more-than-brokers\.yaml:\d+:\d+: topics\[1\]\.replicationFactor: 5 is more than brokers\.count \(3\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says what is wrong with a missing file', async () => {
    const r = await cli(['env', 'up', 'environments/nope.yaml'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments/nope.yaml');
  });

  it('has help with examples on every command', async () => {
    for (const args of [
      ['--help'],
      ['setup', '--help'],
      ['doctor', '--help'],
      ['env', 'up', '--help'],
      ['env', 'down', '--help'],
      ['env', 'status', '--help'],
    ]) {
      const r = await cli(args, env);
      expect(r.code, args.join(' ')).toBe(0);
      if (args.length > 1) expect(r.stdout, args.join(' ')).toContain('Examples:');
    }
  });

  it('doctor finds Java, Kafka and Toxiproxy ready after setup', async () => {
    const r = await cli(['doctor', '--json'], env);
    const { findings } = JSON.parse(r.stdout) as { findings: { what: string; status: string }[] };
    const status = Object.fromEntries(findings.map((f) => [f.what, f.status]));
    expect(status).toMatchObject({ 'Node.js': 'ok', Java: 'ok', Kafka: 'ok', Toxiproxy: 'ok' });
    expect(r.code).toBe(0);
  });

  it('setup works offline once cached: with no Maven and no Go on PATH it still finds everything', async () => {
    const javaHome = execFileSync('sh', ['-c', 'dirname "$(dirname "$(readlink -f "$(command -v java)")")"'], { encoding: 'utf8' }).trim();
    const r = await cli(['setup'], { ...env, PATH: '/nonexistent', JAVA_HOME: javaHome });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Kafka\s+4\.3\.1 \(cache/);
    expect(r.stdout).toMatch(/Toxiproxy\s+\S+toxiproxy-server \(cache\)/);
  });
});
