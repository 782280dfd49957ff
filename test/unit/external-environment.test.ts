import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Scram } from '../../src/cluster/sasl.js';
import { kafkajsOptions, resolveSecurity, securityEnv, securityFromEnv } from '../../src/cluster/security.js';
import { UsageError } from '../../src/errors.js';
import { formatPlan } from '../../src/experiment/plan-text.js';
import { planExperiment } from '../../src/experiment/resolve-plan.js';
import { safetyGate } from '../../src/experiment/safety-gate.js';
import { Network } from '../../src/network/network.js';
import type { Link } from '../../src/network/topology.js';
import type { EnvironmentSpec } from '../../src/schema/environment.js';
import type { ExternalEnvironmentSpec } from '../../src/schema/external-environment.js';
import { externalCapabilities, externalFaultProblem, missingLinks } from '../../src/schema/external-faults.js';
import type { FaultSpec } from '../../src/schema/experiment.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';
import { InvalidInputError, formatIssue } from '../../src/errors.js';

const STAGING = `name: staging
runtime: external
nonProduction: true
bootstrap: 127.0.0.1:25091,127.0.0.1:25092
security:
  protocol: SASL_PLAINTEXT
  sasl: { mechanism: PLAIN, usernameEnv: STAGING_USER, passwordEnv: STAGING_PASSWORD }
toxiproxy:
  api: http://127.0.0.1:25474/
  proxies:
    - { name: c1, broker: 1 }
    - { name: c2, broker: 2 }
    - { name: r12, from: 1, to: 2, kind: replication }
topics:
  - { name: orders, partitions: 3, replicationFactor: 2 }
`;

function external(text = STAGING): ExternalEnvironmentSpec {
  const env = parseEnvironment(text, 'staging.yaml');
  if (env.runtime !== 'external') throw new Error('expected an external environment');
  return env;
}

describe('an external environment file', () => {
  it('parses into addresses, variable names and declared proxies, with no managed field', () => {
    const env = external();
    expect(env).toEqual({
      name: 'staging',
      runtime: 'external',
      nonProduction: true,
      bootstrap: ['127.0.0.1:25091', '127.0.0.1:25092'],
      security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', usernameEnv: 'STAGING_USER', passwordEnv: 'STAGING_PASSWORD' } },
      toxiproxy: {
        api: 'http://127.0.0.1:25474',
        proxies: [
          { name: 'c1', kind: 'client', from: 'client', to: 1 },
          { name: 'c2', kind: 'client', from: 'client', to: 2 },
          { name: 'r12', kind: 'replication', from: 1, to: 2 },
        ],
      },
      topics: [{ name: 'orders', partitions: 3, replicationFactor: 2, config: {} }],
    });
  });

  it('is refused without nonProduction, with the line and how to mark it', () => {
    const text = STAGING.replace('nonProduction: true\n', '');
    const error = (() => {
      try {
        parseEnvironment(text, 'staging.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map(formatIssue)).toEqual([
      "staging.yaml:1:1: nonProduction: missing: streamchaos injects faults into an external environment only when its file says it is not production; if this cluster is a staging or test cluster, add 'nonProduction: true'",
    ]);
    expect((error as InvalidInputError).exitCode).toBe(2);
  });

  it('ships an example that validates', async () => {
    const { loadEnvironment } = await import('../../src/schema/load-environment.js');
    expect((await loadEnvironment('environments/staging.example.yaml')).runtime).toBe('external');
  });
});

describe('credentials never in a URL or an address', () => {
  function refusals(text: string): string[] {
    try {
      parseEnvironment(text, 'staging.yaml');
    } catch (e) {
      if (e instanceof InvalidInputError) return e.issues.map(formatIssue);
      throw e;
    }
    throw new Error('parsed without problems');
  }

  it('refuses userinfo in the Toxiproxy API URL, in bootstrap and observer addresses, and never quotes it', () => {
    const text = STAGING.replace('api: http://127.0.0.1:25474/', 'api: http://admin:hunter2@127.0.0.1:25474/').replace(
      'bootstrap: 127.0.0.1:25091,127.0.0.1:25092',
      'bootstrap: 127.0.0.1:25091,alice:hunter2@127.0.0.1:25092\nobserver: [tok3n-hunter2@10.0.0.1:9092]',
    );
    const found = refusals(text);
    expect(found).toEqual([
      expect.stringMatching(
        /^staging\.yaml:4:12: bootstrap: an address holds credentials \(a user name or password before '@'\); it is not shown here, and it is refused: give Kafka credentials as security\.sasl\.usernameEnv and passwordEnv/,
      ),
      expect.stringMatching(/^staging\.yaml:5:11: observer: an address holds credentials/),
      expect.stringMatching(/^staging\.yaml:10:8: toxiproxy\.api: the Toxiproxy API URL holds credentials/),
    ]);
    expect(found.join('\n')).not.toMatch(/hunter2|alice|admin/);
  });

  it('never quotes what a variable-name field holds: it may be the secret itself', () => {
    const found = refusals(STAGING.replace('passwordEnv: STAGING_PASSWORD', 'passwordEnv: "hunter2!"'));
    expect(found).toEqual([
      expect.stringMatching(/^staging\.yaml:7:69: security\.sasl\.passwordEnv: is not an environment variable name \(what it holds is not shown/),
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('refuses ports that do not exist, in addresses and in the API URL', () => {
    const text = STAGING.replace('api: http://127.0.0.1:25474/', 'api: http://127.0.0.1:99999').replace('127.0.0.1:25092', '127.0.0.1:0');
    expect(refusals(text)).toEqual([
      "staging.yaml:4:12: bootstrap: '127.0.0.1:0': port 0 does not exist: ports are 1 to 65535",
      "staging.yaml:9:8: toxiproxy.api: 'http://127.0.0.1:99999': port 99999 does not exist: ports are 1 to 65535",
    ]);
  });

  it('refuses a proxy name that would change the API path it is used in', () => {
    const found = refusals(STAGING.replace('{ name: c2, broker: 2 }', '{ name: "../reset", broker: 2 }'));
    expect(found).toEqual([
      "staging.yaml:12:15: toxiproxy.proxies[1].name: '../reset' is not a proxy name streamchaos can use: Toxiproxy's API names the proxy in its URL path, so use up to 200 letters, digits, '.', '_', ':' and '-'",
    ]);
  });
});

describe('what is possible in an external environment with many brokers', () => {
  const manyBrokers = (n: number): ExternalEnvironmentSpec => ({
    ...external(),
    toxiproxy: {
      api: 'http://127.0.0.1:25474',
      proxies: Array.from({ length: n }, (_, i) => ({ name: `c${i + 1}`, kind: 'client' as const, from: 'client' as const, to: i + 1 })),
    },
  });

  it('names at most 10 missing links in one message, and counts the rest', () => {
    const links = manyBrokers(30).toxiproxy!.proxies;
    const brokers = Array.from({ length: 30 }, (_, i) => i + 1);
    const missing = missingLinks(links, brokers, 1, 'peers') ?? '';
    expect(missing).toMatch(/^broker 1 → broker 2 \(replication\), broker 2 → broker 1 \(replication\), /);
    expect(missing).toMatch(/ and 48 more$/);
    expect(missing.split(', ')).toHaveLength(10);
  });

  it('works out the possible faults for 1,000 brokers at once (the table was cubic in the brokers: 8.8 s)', () => {
    const { possible, impossible } = externalCapabilities(manyBrokers(1000));
    expect(possible.join('\n')).toContain('broker-1000 (and on roles');
    expect(impossible.join('\n')).toContain('not every broker → broker proxy is declared');
  });
});

describe('which faults are possible in an external environment', () => {
  const env = external();
  const fault = (f: Partial<FaultSpec> & Pick<FaultSpec, 'kind'>): FaultSpec => ({ name: 'f', atMs: 0, healAtMs: 1000, ...f }) as FaultSpec;

  it('refuses every broker node fault, with the reason', () => {
    for (const kind of ['broker-kill', 'broker-terminate', 'broker-pause', 'broker-restart', 'rolling-restart'] as const) {
      expect(externalFaultProblem(fault({ kind, target: { type: 'broker', id: 1 } } as Partial<FaultSpec> & Pick<FaultSpec, 'kind'>), env)).toMatch(
        new RegExp(`^${kind} is not possible in external environment staging: streamchaos does not run its brokers`),
      );
    }
  });

  it('allows processor faults and network faults on declared client proxies', () => {
    expect(externalFaultProblem(fault({ kind: 'processor-kill', target: { type: 'processor', instance: 1 } }), env)).toBeUndefined();
    expect(
      externalFaultProblem(fault({ kind: 'latency', target: { type: 'broker', id: 2 }, links: 'clients', latencyMs: 100, jitterMs: 0 }), env),
    ).toBeUndefined();
    expect(externalFaultProblem(fault({ kind: 'isolate', target: { type: 'leader', topic: 'orders', partition: 0 }, from: 'clients' }), env)).toBeUndefined();
    expect(externalFaultProblem(fault({ kind: 'cut', from: { type: 'clients' }, to: { type: 'broker', id: 1 } }), env)).toBeUndefined();
    expect(externalFaultProblem(fault({ kind: 'cut', from: { type: 'broker', id: 1 }, to: { type: 'broker', id: 2 } }), env)).toBeUndefined();
  });

  it('refuses network faults that need links nobody declared, naming them', () => {
    expect(externalFaultProblem(fault({ kind: 'isolate', target: { type: 'broker', id: 1 }, from: 'peers' }), env)).toContain(
      'broker 2 → broker 1 (replication)',
    );
    expect(externalFaultProblem(fault({ kind: 'blackhole', target: { type: 'broker', id: 1 }, links: 'all' }), env)).toMatch(
      /with links: all is not possible .* broker 2 → broker 1 \(replication\)/,
    );
    expect(externalFaultProblem(fault({ kind: 'cut', from: { type: 'broker', id: 2 }, to: { type: 'broker', id: 1 } }), env)).toContain(
      'no proxy declared for broker 2 → broker 1',
    );
    expect(externalFaultProblem(fault({ kind: 'split', groups: [[1], [2]] }), env)).toContain('broker 2 → broker 1');
    const noProxies = external(STAGING.replace(/toxiproxy:[\s\S]*?topics:/, 'topics:'));
    expect(
      externalFaultProblem(fault({ kind: 'latency', target: { type: 'broker', id: 1 }, links: 'clients', latencyMs: 1, jitterMs: 0 }), noProxies),
    ).toContain('declares none');
  });

  it("refuses them at validation, at the fault's line, and plan lists what is possible", async () => {
    await import('node:fs/promises').then((fs) =>
      fs.mkdir('/tmp/streamchaos-unit-external', { recursive: true }).then(() => fs.writeFile('/tmp/streamchaos-unit-external/staging.yaml', STAGING)),
    );
    const experiment = (timeline: string): string =>
      `environment: staging.yaml\nduration: 30s\nworkload: {producers: [{topic: orders, rate: 10}]}\ntimeline:\n${timeline}`;
    const bad = await parseExperiment(
      experiment('  - {at: 5s, kind: broker-kill, target: broker-1}\n  - {at: 5s, duration: 5s, kind: isolate, target: broker-2}\n'),
      '/tmp/streamchaos-unit-external/x.yaml',
    ).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidInputError);
    const issues = (bad as InvalidInputError).issues.map(formatIssue);
    expect(issues[0]).toMatch(/^\/tmp\/streamchaos-unit-external\/x\.yaml:5:20: timeline\[0\]\.kind: broker-kill is not possible/);
    expect(issues[1]).toMatch(/^\/tmp\/streamchaos-unit-external\/x\.yaml:6:\d+: timeline\[1\]\.kind: isolate on broker 2 with links: all is not possible/);
    const good = await parseExperiment(
      experiment('  - {at: 5s, duration: 5s, kind: isolate, target: broker-2, from: clients}\n'),
      '/tmp/streamchaos-unit-external/y.yaml',
    );
    const text = formatPlan(planExperiment(good));
    expect(text).toContain('EXTERNAL (marked nonProduction)');
    expect(text).toContain('security SASL_PLAINTEXT, PLAIN as $STAGING_USER');
    expect(text).toMatch(/✓ network faults with links: clients.* on broker-1, broker-2/);
    expect(text).toMatch(/✗ broker-kill, broker-terminate, broker-pause, broker-restart, rolling-restart: streamchaos does not run these brokers/);
  });
});

describe('the safety gate before the first fault', () => {
  const staging = external();
  const managed = parseEnvironment('brokers: {count: 1}', 'local.yaml') as EnvironmentSpec;
  it('lets managed environments and dry runs through, asks on a terminal, refuses without one', () => {
    expect(safetyGate({ environment: managed, dryRun: false, yes: false, interactive: false })).toEqual({ action: 'proceed' });
    expect(safetyGate({ environment: staging, dryRun: true, yes: false, interactive: false })).toEqual({ action: 'proceed' });
    expect(safetyGate({ environment: staging, dryRun: false, yes: true, interactive: false })).toEqual({ action: 'proceed' });
    expect(safetyGate({ environment: staging, dryRun: false, yes: false, interactive: true })).toEqual({ action: 'ask', environment: 'staging' });
    const refused = safetyGate({ environment: staging, dryRun: false, yes: false, interactive: false });
    expect(refused.action).toBe('refuse');
    expect(refused).toMatchObject({
      message: expect.stringContaining('stdin is not a terminal and --yes was not given'),
      hint: expect.stringContaining('--dry-run'),
    });
  });
});

describe('security settings from environment variables', () => {
  const spec = external().security;
  it('names a missing variable (exit 2) and never shows a value', () => {
    const error = (() => {
      try {
        resolveSecurity(spec, { STAGING_USER: 'svc' }, 'staging');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('environment variable STAGING_PASSWORD is not set; environment staging reads the SASL password from it');
    expect((error as UsageError).exitCode).toBe(2);
  });

  it('carries them to a processor by environment, and to kafkajs', () => {
    const security = resolveSecurity(spec, { STAGING_USER: 'svc', STAGING_PASSWORD: 's3cret!' }, 'staging');
    const env = securityEnv(security);
    expect(env).toEqual({
      STREAMCHAOS_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      STREAMCHAOS_SASL_MECHANISM: 'PLAIN',
      STREAMCHAOS_SASL_USERNAME: 'svc',
      STREAMCHAOS_SASL_PASSWORD: 's3cret!',
    });
    expect(securityFromEnv(env)).toEqual(security);
    expect(kafkajsOptions(security)).toEqual({ sasl: { mechanism: 'plain', username: 'svc', password: 's3cret!' } });
    expect(securityEnv(undefined)).toEqual({});
  });

  it('computes SCRAM-SHA-256 as RFC 7677 does', () => {
    const scram = new Scram('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(scram.clientFirst()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(scram.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(scram.verifyServer('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toBe(true);
    expect(scram.verifyServer('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toBe(false);
  });
});

/** A fake of the Toxiproxy API: two proxies, the user's own toxic on one, and a log of every call. */
class FakeToxiproxy {
  readonly calls: string[] = [];
  readonly proxies: Record<
    string,
    {
      name: string;
      listen: string;
      upstream: string;
      enabled: boolean;
      toxics: { name: string; type: string; stream: string; toxicity: number; attributes: Record<string, unknown> }[];
    }
  > = {
    c1: {
      name: 'c1',
      listen: '127.0.0.1:1',
      upstream: '127.0.0.1:2',
      enabled: true,
      toxics: [{ name: 'user-latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1 } }],
    },
    c2: { name: 'c2', listen: '127.0.0.1:3', upstream: '127.0.0.1:4', enabled: true, toxics: [] },
  };
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer(
      (req, res) => void this.handle(req).then(([status, body]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))),
    );
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const path = req.url ?? '';
    this.calls.push(`${req.method} ${path}`);
    const m = /^\/proxies\/([^/]+)(?:\/toxics(?:\/([^/]+))?)?$/.exec(path);
    if (path === '/proxies' && req.method === 'GET') return [200, this.proxies];
    if (path === '/reset') return [204, {}];
    const proxy = m === null ? undefined : this.proxies[decodeURIComponent(m[1] ?? '')];
    if (proxy === undefined) return [404, { error: 'proxy not found' }];
    if (path.endsWith('/toxics') && req.method === 'POST') {
      const toxic = JSON.parse(text) as FakeToxiproxy['proxies'][string]['toxics'][number];
      proxy.toxics.push(toxic);
      return [200, toxic];
    }
    if (m?.[2] !== undefined && req.method === 'DELETE') {
      proxy.toxics = proxy.toxics.filter((t) => t.name !== decodeURIComponent(m[2] ?? ''));
      return [204, {}];
    }
    if (req.method === 'POST') Object.assign(proxy, { enabled: (JSON.parse(text) as { enabled: boolean }).enabled });
    return [200, proxy];
  }
}

describe("teardown on the user's Toxiproxy", () => {
  let fake: FakeToxiproxy | undefined;
  afterEach(async () => fake?.stop());

  it('removes only the toxics streamchaos added, re-enables only what it disabled, and never resets', async () => {
    fake = new FakeToxiproxy();
    const api = await fake.start();
    fake.proxies.c2!.enabled = true;
    const links: Link[] = [
      { name: 'c1', kind: 'client', from: 'client', to: 1, listen: '127.0.0.1:1', upstream: '127.0.0.1:2' },
      { name: 'c2', kind: 'client', from: 'client', to: 2, listen: '127.0.0.1:3', upstream: '127.0.0.1:4' },
    ];
    const network = Network.borrow({
      brokers: [
        { id: 1, observer: 'x:1' },
        { id: 2, observer: 'x:2' },
      ],
      links,
      toxiproxyApi: api,
      bootstrap: '',
      observer: '',
    });
    await network.addToxic([links[0]!], 'latency', { latency: 100 });
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    const dead = spawnSync('true').pid!;
    const toxic = (name: string) => ({ name, type: 'latency', stream: 'downstream', toxicity: 1, attributes: {} });
    fake.proxies.c1!.toxics.push(
      toxic(`streamchaos-${host}-${dead}-latency-downstream-99`), // left by a killed run on this host
      toxic(`streamchaos-${host}-${process.ppid}-latency-downstream-7`), // a live harness's, sharing this Toxiproxy
      toxic(`streamchaos-elsewhere-${dead}-latency-downstream-3`), // another machine's: cannot tell whether it lives
    );
    await network.cut([links[1]!]);
    expect(fake.proxies.c2!.enabled).toBe(false);
    expect(fake.proxies.c1!.toxics.map((t) => t.name)).toEqual([
      'user-latency',
      `streamchaos-${host}-${process.pid}-latency-downstream-1`,
      `streamchaos-${host}-${dead}-latency-downstream-99`,
      `streamchaos-${host}-${process.ppid}-latency-downstream-7`,
      `streamchaos-elsewhere-${dead}-latency-downstream-3`,
    ]);

    await network.healAll();
    expect(fake.proxies.c1!.toxics.map((t) => t.name)).toEqual([
      'user-latency',
      `streamchaos-${host}-${process.ppid}-latency-downstream-7`,
      `streamchaos-elsewhere-${dead}-latency-downstream-3`,
    ]);
    expect(fake.proxies.c2!.enabled).toBe(true);
    expect(fake.calls.filter((c) => c.includes('/reset'))).toEqual([]);
    expect(fake.calls.filter((c) => c.startsWith('DELETE /proxies/c') && !c.includes('/toxics/'))).toEqual([]); // no proxy deleted

    // a proxy the user disabled themselves is not ours to enable
    fake.proxies.c1!.enabled = false;
    await network.healAll();
    expect(fake.proxies.c1!.enabled).toBe(false);
  });
});
