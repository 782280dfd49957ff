import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { processesUnder } from './global-setup.js';

/**
 * The Docker engine as the project starts it (scripts/dockerd.sh): no bridge, no iptables,
 * state under the cache. A container runs with host networking from an image built here from
 * host files (no registry), and `stop` leaves no engine process and no mount behind.
 */
describe('the Docker engine (scripts/dockerd.sh)', () => {
  it('starts, runs a labelled host-network container from a locally built image, and stops leaving nothing', () => {
    const cache = join(inject('testRoot'), 'cache');
    // its own engine, beside any other (without DOCKER_HOST, and a cache of its own): what start
    // starts, stop must stop (a stop that left the engine running once went unnoticed here)
    const env: NodeJS.ProcessEnv = { ...process.env, STREAMCHAOS_CACHE: cache };
    delete env.DOCKER_HOST;
    const script = join(ROOT, 'scripts', 'dockerd.sh');
    const host = execFileSync(script, ['start'], { env, encoding: 'utf8' }).trim();
    expect(host).toMatch(/^unix:\/\//);
    const docker = (args: string[], input?: Buffer): string =>
      execFileSync('docker', args, { env: { ...env, DOCKER_HOST: host }, encoding: 'utf8', ...(input === undefined ? {} : { input }) });
    try {
      const rootfs = execFileSync('tar', ['-ch', '-C', '/', 'bin/dash', 'lib/x86_64-linux-gnu/libc.so.6', 'lib64/ld-linux-x86-64.so.2'], {
        maxBuffer: 64 * 1024 * 1024,
      });
      docker(['import', '-', 'streamchaos-test/probe:1'], rootfs);
      const out = docker([
        'run',
        '--rm',
        '--network',
        'host',
        '--label',
        'streamchaos.test=engine',
        'streamchaos-test/probe:1',
        '/bin/dash',
        '-c',
        'echo hello from a container',
      ]);
      expect(out.trim()).toBe('hello from a container');
      expect(docker(['ps', '-a', '-q', '--filter', 'label=streamchaos.test=engine']).trim()).toBe('');
      docker(['rmi', 'streamchaos-test/probe:1']);
    } finally {
      execFileSync(script, ['stop'], { env });
    }
    if (host.includes(cache)) {
      expect(processesUnder(cache)).toEqual([]); // no dockerd, no containerd
      expect(execFileSync('cat', ['/proc/mounts'], { encoding: 'utf8' })).not.toContain(cache);
    }
  });
});
