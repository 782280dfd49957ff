import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { topology } from '../../src/network/topology.js';
import { composeFiles } from '../../src/runtime/docker/compose.js';
import { loadEnvironment } from '../../src/schema/load-environment.js';
import { managedOnly } from '../../src/schema/environment.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('docker-compose.yml', () => {
  it('is what `npm run compose` writes from environments/local-3.yaml: same ports, links and broker settings as the runtimes', async () => {
    const env = managedOnly(await loadEnvironment(`${ROOT}environments/local-3.yaml`), 'test');
    const { compose, toxiproxy } = composeFiles(env, 'docker/toxiproxy.json');
    expect(readFileSync(`${ROOT}docker-compose.yml`, 'utf8')).toBe(compose);
    expect(readFileSync(`${ROOT}docker/toxiproxy.json`, 'utf8')).toBe(toxiproxy);
    const topo = topology(env.brokers.count, env.ports.base);
    const proxies = JSON.parse(toxiproxy) as { name: string; listen: string; upstream: string }[];
    expect(proxies.map((p) => p.name).sort()).toEqual(topo.links.map((l) => l.name).sort());
    for (const address of [...proxies.flatMap((p) => [p.listen, p.upstream]), ...compose.match(/127\.\d+\.\d+\.\d+(:\d+)?/g)!]) {
      expect(address).toMatch(/^127\./); // loopback only
      const port = Number(address.split(':')[1] ?? 0);
      expect(port).toBeLessThan(32768);
    }
    expect(compose).toContain('"kafka-2:127.0.1.2"'); // broker 1 reaches broker 2 through its own link
    expect(compose).not.toContain('privileged');
  });

  it.skipIf(spawnSync('docker-compose', ['version']).status !== 0)('passes `docker-compose config` (scripts/install.sh installs docker-compose)', () => {
    execFileSync('docker-compose', ['-f', `${ROOT}docker-compose.yml`, 'config', '-q'], { cwd: ROOT, stdio: 'pipe' });
  });
});
