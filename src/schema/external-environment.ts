/**
 * `runtime: external`: a Kafka cluster streamchaos did not start (a staging cluster for a
 * gameday), reached through Toxiproxy proxies the user runs. The file names environment
 * variables, never secrets; managed-only fields (brokers, ports, kafka, images) are refused.
 */
import { z } from 'zod';
import { printable } from '../util/printable.js';
import { addresses, toxiproxyApiProblem } from './addresses.js';
import { boundedList, choice, expected, mapping, matching, wholeNumber } from './fields.js';
import { LIMITS } from './limits.js';
import { refused } from './fault-fields.js';
import { specName, topicSchema, type TopicSpec } from './environment.js';
import { topicConfigs, uniqueTopicNames } from './topic-rules.js';
import { field, isRecord, type Rule, type RuleIssue } from './view.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How clients authenticate and encrypt. Every secret is the *name* of an environment variable, read at run time. */
export interface SecuritySpec {
  protocol: SecurityProtocol;
  sasl?: { mechanism: SaslMechanism; usernameEnv: string; passwordEnv: string };
  ssl?: { caFileEnv?: string; certFileEnv?: string; keyFileEnv?: string; rejectUnauthorized: boolean };
}

/** A Toxiproxy proxy the user runs, and the traffic it carries: clients → broker `to`, or broker `from` → broker `to`. */
export interface DeclaredProxy {
  name: string;
  kind: 'client' | 'replication' | 'controller';
  from: 'client' | number;
  to: number;
}

export interface ExternalEnvironmentSpec {
  name: string;
  description?: string;
  runtime: 'external';
  /** Always true: a file without it does not parse. */
  nonProduction: true;
  /** What clients bootstrap from (through the user's proxies), `host:port` each. */
  bootstrap: string[];
  /** Direct addresses that bypass the proxies, for the harness's own view; the bootstrap when absent. */
  observer?: string[];
  security: SecuritySpec;
  /** Absent: no network fault is possible. */
  toxiproxy?: { api: string; proxies: DeclaredProxy[] };
  /** Created when missing, never deleted. */
  topics: TopicSpec[];
}

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envVarName(what: string) {
  return matching(
    `the name of an environment variable holding ${what}`,
    ENV_VAR,
    // not quoted: a user who wrote the secret itself here must not see it printed
    () =>
      "is not an environment variable name (what it holds is not shown, in case it is the secret itself): write the variable's name (letters, digits and '_'), e.g. STAGING_KAFKA_PASSWORD; streamchaos reads its value at run time",
  );
}

const secretRefused = (name: string, instead: string) =>
  refused(
    `'${name}': write the name of an environment variable in '${instead}' instead; streamchaos never reads secrets from files (and never writes them into reports)`,
  ).optional();

const security = mapping(
  {
    protocol: choice(SECURITY_PROTOCOLS).default('PLAINTEXT'),
    sasl: mapping(
      {
        mechanism: choice(SASL_MECHANISMS),
        usernameEnv: envVarName('the user name'),
        passwordEnv: envVarName('the password'),
        username: secretRefused('username', 'usernameEnv'),
        password: secretRefused('password', 'passwordEnv'),
      },
      'a mapping with mechanism, usernameEnv and passwordEnv',
    ).optional(),
    ssl: mapping(
      {
        caFileEnv: envVarName('the path of the CA certificate file (PEM)').optional(),
        certFileEnv: envVarName("the path of the client's certificate file (PEM)").optional(),
        keyFileEnv: envVarName("the path of the client's key file (PEM)").optional(),
        rejectUnauthorized: z.boolean({ error: expected('true or false') }).default(true),
      },
      'a mapping with caFileEnv, certFileEnv, keyFileEnv, rejectUnauthorized',
    ).optional(),
  },
  'a mapping with protocol, and sasl or ssl settings',
).default({ protocol: 'PLAINTEXT' });

const proxy = mapping(
  {
    name: matching('the name of a proxy on your Toxiproxy', /^(?!\.\.?$)[A-Za-z0-9._:-]{1,200}$/, (n) =>
      n === ''
        ? 'a proxy name cannot be empty'
        : `'${printable(n, 64)}' is not a proxy name streamchaos can use: Toxiproxy's API names the proxy in its URL path, so use up to 200 letters, digits, '.', '_', ':' and '-'`,
    ),
    broker: wholeNumber(0).optional(),
    from: wholeNumber(0).optional(),
    to: wholeNumber(0).optional(),
    kind: choice(['client', 'replication', 'controller']).optional(),
  },
  'a proxy: { name, broker } for clients → a broker, or { name, from, to, kind: replication } for broker → broker',
).transform((p, ctx): DeclaredProxy => {
  if (p.broker !== undefined) {
    if (p.from !== undefined || p.to !== undefined)
      ctx.addIssue({ code: 'custom', message: "give either 'broker' (a client proxy) or 'from' and 'to' (a broker → broker proxy), not both" });
    if (p.kind !== undefined && p.kind !== 'client')
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `a proxy with 'broker' carries client traffic; for ${p.kind} traffic write from and to` });
    return { name: p.name, kind: 'client', from: 'client', to: p.broker };
  }
  if (p.from === undefined || p.to === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: "say what traffic it carries: 'broker: <id>' for clients → that broker, or 'from' and 'to' broker ids (with kind: replication or controller)",
    });
    return z.NEVER;
  }
  if (p.kind === 'client')
    ctx.addIssue({
      code: 'custom',
      path: ['kind'],
      message: "client traffic comes from clients, not from a broker: write 'broker: <id>' instead of from and to",
    });
  if (p.from === p.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `from and to are both broker ${p.to}; a broker → broker proxy joins two brokers` });
  return { name: p.name, kind: p.kind === 'controller' ? 'controller' : 'replication', from: p.from, to: p.to };
});

const toxiproxy = mapping(
  {
    api: z
      .string({ error: expected("the Toxiproxy API URL, e.g. 'http://127.0.0.1:8474'") })
      .superRefine((u, ctx) => {
        const problem = toxiproxyApiProblem(u);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform((u) => u.replace(/\/$/, '')),
    proxies: boundedList(proxy, LIMITS.proxies, 'proxies', 'a list of proxies').default([]),
  },
  'a mapping with api and proxies',
);

const notHere = (key: string, why: string) => refused(`'${key}' does not apply to an external environment: ${why}; remove this field`).optional();

/** The traffic a proxy carries, parsed ({ from, to, kind }) or as written ({ broker } / { from, to, kind }). */
function trafficOf(p: Record<string, unknown>): string | undefined {
  const to = typeof p.broker === 'number' ? p.broker : p.to;
  const from = typeof p.broker === 'number' ? 'client' : p.from;
  if (typeof to !== 'number' || (from !== 'client' && typeof from !== 'number')) return undefined;
  return from === 'client' ? `clients → broker ${to}` : `broker ${from} → broker ${to} (${typeof p.kind === 'string' ? printable(p.kind, 32) : 'replication'})`;
}

/** Rules across the proxies: unique names, one proxy per traffic. */
const uniqueProxies: Rule = (document) => {
  const proxies = field(field(document, 'toxiproxy'), 'proxies');
  if (!Array.isArray(proxies)) return [];
  const names = new Map<string, number>();
  const traffic = new Map<string, number>();
  const issues: RuleIssue[] = [];
  proxies.forEach((p: unknown, index) => {
    if (!isRecord(p)) return;
    if (typeof p.name === 'string') {
      const earlier = names.get(p.name);
      if (earlier !== undefined)
        issues.push({
          path: ['toxiproxy', 'proxies', index, 'name'],
          message: `proxy '${printable(p.name, 64)}' is already declared at toxiproxy.proxies[${earlier}]`,
        });
      else names.set(p.name, index);
    }
    const key = trafficOf(p);
    if (key === undefined) return;
    const earlier = traffic.get(key);
    if (earlier !== undefined)
      issues.push({ path: ['toxiproxy', 'proxies', index], message: `toxiproxy.proxies[${earlier}] already carries ${key}; declare one proxy per link` });
    else traffic.set(key, index);
  });
  return issues;
};

/** The protocol and the sasl / ssl blocks agree. */
const securityAgrees: Rule = (document) => {
  const sec = field(document, 'security');
  if (!isRecord(sec)) return [];
  const protocol = typeof sec.protocol === 'string' ? sec.protocol : 'PLAINTEXT';
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) return [];
  const sasl = protocol.startsWith('SASL_');
  const ssl = protocol.endsWith('SSL');
  const issues: RuleIssue[] = [];
  if (sasl && sec.sasl === undefined)
    issues.push({ path: ['security', 'protocol'], message: `${protocol} needs security.sasl: { mechanism, usernameEnv, passwordEnv }` });
  if (!sasl && sec.sasl !== undefined)
    issues.push({
      path: ['security', 'sasl'],
      atKey: true,
      message: `'sasl' is set but protocol is ${protocol}: use SASL_PLAINTEXT or SASL_SSL, or remove it`,
    });
  if (!ssl && sec.ssl !== undefined)
    issues.push({ path: ['security', 'ssl'], atKey: true, message: `'ssl' is set but protocol is ${protocol}: use SSL or SASL_SSL, or remove it` });
  return issues;
};

const RULES: readonly Rule[] = [uniqueTopicNames, topicConfigs, uniqueProxies, securityAgrees];

export const externalEnvironmentSchema = mapping(
  {
    name: specName('environment').optional(),
    description: z.string({ error: expected('a string') }).optional(),
    runtime: z.literal('external'),
    nonProduction: z.unknown().transform((value, ctx): true => {
      if (value === true) return true;
      ctx.addIssue({
        code: 'custom',
        message:
          value === undefined
            ? "missing: streamchaos injects faults into an external environment only when its file says it is not production; if this cluster is a staging or test cluster, add 'nonProduction: true'"
            : `is ${JSON.stringify(value)}: streamchaos refuses to inject faults into a cluster not marked as non-production; if this is a staging or test cluster, write 'nonProduction: true'`,
      });
      return z.NEVER;
    }),
    bootstrap: addresses,
    observer: addresses.optional(),
    security,
    toxiproxy: toxiproxy.optional(),
    topics: boundedList(topicSchema, LIMITS.topics, 'topics', 'a list of topics').default([]),
    brokers: notHere('brokers', "streamchaos does not start its brokers (they are learned from the cluster's metadata)"),
    ports: notHere('ports', 'streamchaos opens no ports for it (the addresses are bootstrap, observer and toxiproxy.api)'),
    kafka: notHere('kafka', 'the cluster runs its own Kafka version'),
    images: notHere('images', 'streamchaos runs no container for it'),
  },
  'a mapping of external environment fields (name, runtime, nonProduction, bootstrap, observer, security, toxiproxy, topics)',
)
  .superRefine(
    (document: unknown, ctx) => {
      for (const rule of RULES) {
        for (const issue of rule(document)) {
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: issue.atKey ? { atKey: true } : undefined });
        }
      }
    },
    { when: () => true },
  )
  .transform(({ brokers: _b, ports: _p, kafka: _k, images: _i, ...rest }) => rest);
