import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { topology } from '../../src/network/topology.js';
import { composeFiles, shellWord } from '../../src/runtime/docker/compose.js';
import { loadEnvironment, parseEnvironment } from '../../src/schema/load-environment.js';
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

describe('docker-compose.yml from an environment with hostile values', () => {
  const value = `$(touch pwned-1); \`touch pwned-2\`; touch pwned-3 && echo 'single' "double" $HOME \${HOME} \\ end`;
  const text = [
    'brokers:',
    '  count: 1',
    '  config:',
    `    log.cleaner.threads: ${JSON.stringify(`1"; $HOME \${PATH} \\`)}`,
    'topics:',
    '  - name: orders',
    '    partitions: 1',
    '    replicationFactor: 1',
    '    config:',
    `      leader.replication.throttled.replicas: ${JSON.stringify(value)}`,
  ].join('\n');
  const env = managedOnly(parseEnvironment(text, 'hostile.yaml'), 'test');
  const { compose } = composeFiles(env, 'docker/toxiproxy.json');
  /** What docker-compose makes of a value: `$$` is a `$`, and a lone `$` would be the host's variable. */
  const interpolated = (s: string): string => s.replaceAll('$$', '$');

  it('doubles every $, so compose substitutes none of the host environment', () => {
    expect(compose.replaceAll('$$', '')).not.toContain('$');
  });

  it('keeps a broker setting one YAML string, escaped as server.properties needs', () => {
    const doc = parse(compose) as { services: Record<string, { environment: Record<string, string> }> };
    expect(interpolated(doc.services['kafka-1']!.environment.KAFKA_LOG_CLEANER_THREADS!)).toBe(`1"; $HOME \${PATH} \\\\`);
  });

  it.skipIf(spawnSync('sh', ['-c', 'true']).status !== 0)(
    'passes a topic config to kafka-topics.sh as one inert argument: no substitution, no second command',
    () => {
      const doc = parse(compose) as { services: { topics: { entrypoint: string[]; command: string[] } } };
      expect(doc.services.topics.entrypoint).toEqual(['/bin/sh', '-c']);
      const script = interpolated(doc.services.topics.command[0]!).replaceAll('/opt/kafka/bin/kafka-topics.sh', 'kt');
      const dir = mkdtempSync(join(tmpdir(), 'streamchaos-compose-'));
      try {
        const out = execFileSync('sh', ['-c', `kt() { for a in "$@"; do printf '[%s]\\n' "$a"; done; }; ${script}`], { cwd: dir, encoding: 'utf8' });
        expect(out.split('\n')).toContain(`[leader.replication.throttled.replicas=${value}]`);
        expect(out.split('\n')).toContain('[orders]');
        expect(readdirSync(dir)).toEqual([]); // nothing ran: no file touched
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('quotes a word for sh only when it needs quotes', () => {
    expect(shellWord('min.insync.replicas=2')).toBe('min.insync.replicas=2');
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('')).toBe("''");
  });
});
