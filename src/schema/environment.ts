/**
 * The environment file: which Kafka, how many brokers, which ports, which topics — or, for
 * `runtime: external`, a cluster streamchaos did not start (external-environment.ts).
 * Parse with `parseEnvironment` / `loadEnvironment` (load-environment.ts), which add file:line
 * to every problem; this module holds the managed schema and its rules.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { printable } from '../util/printable.js';
import { DEFAULT_HEAP, heapFlagsAgree, noManagedBrokerConfigs } from './broker-rules.js';
import { boundedList, choice, expected, imageReference, mapping, matching, wholeNumber } from './fields.js';
import { heapProblem, jvmFlagProblem } from './jvm-options.js';
import { count, LIMITS } from './limits.js';
import { brokerConfig, topicConfig } from './settings.js';
import { replicationFitsBrokers, topicConfigs, uniqueTopicNames } from './topic-rules.js';
import type { ExternalEnvironmentSpec } from './external-environment.js';
import type { Rule } from './view.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Kafka topic-level configs (e.g. `min.insync.replicas`), values as strings. */
  config: Record<string, string>;
}

/** An environment streamchaos starts and stops itself: local JVMs or containers. */
export interface ManagedEnvironmentSpec {
  /** Defaults to the file's basename without extension. */
  name: string;
  description?: string;
  runtime: 'process' | 'docker';
  kafka: { version: string };
  /**
   * Images for the docker runtime; each defaults to the public one (apache/kafka:<version>,
   * ghcr.io/shopify/toxiproxy:2.12.0, node:20-slim for our processor).
   */
  images?: { kafka?: string; toxiproxy?: string; processor?: string };
  brokers: {
    count: number;
    /** JVM max heap, e.g. '512m'. */
    heap: string;
    /** Extra JVM flags. */
    jvmOptions: string[];
    /** server.properties overrides applied to every broker, values as strings. */
    config: Record<string, string>;
  };
  /** streamchaos uses the 500 ports from `base`. */
  ports: { base: number };
  topics: TopicSpec[];
}

/** Either an environment streamchaos runs (process, docker) or one it only connects to (external). */
export type EnvironmentSpec = ManagedEnvironmentSpec | ExternalEnvironmentSpec;

/** The runtimes an environment file may name. */
export const RUNTIME_NAMES = ['process', 'docker', 'external'] as const;

/**
 * The broker ids an experiment may name for this environment: 1..count for a managed one; for
 * an external one, the brokers its declared Toxiproxy proxies reach (the only ones a fault can touch).
 */
export function environmentBrokerIds(env: EnvironmentSpec): number[] {
  if (env.runtime !== 'external') return Array.from({ length: env.brokers.count }, (_, i) => i + 1);
  const ids = new Set<number>();
  for (const p of env.toxiproxy?.proxies ?? []) {
    ids.add(p.to);
    if (p.from !== 'client') ids.add(p.from);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The managed environment, or a UsageError saying that `what` needs one (streamchaos starts nothing in an external one). */
export function managedOnly(env: EnvironmentSpec, what: string): ManagedEnvironmentSpec {
  if (env.runtime !== 'external') return env;
  throw new UsageError(`${what}: environment ${env.name} is external (runtime: external); streamchaos starts and stops nothing there`, {
    hint: 'run experiments against it with `streamchaos run <experiment>`; `env up` and --runtime are for environments streamchaos starts (process, docker)',
  });
}

export const DEFAULT_KAFKA_VERSION = '4.3.1';
export const DEFAULT_PORT_BASE = 29000;
/** How many ports from `ports.base` streamchaos may use. */
export const PORT_SPAN = 500;
/** First port of the ephemeral range on the hosts we run on; fixed ports stay below it. */
export const EPHEMERAL_PORT_START = 32768;

/** major.minor.patch, each a number of at most three digits without leading zeros, as every Kafka release is named. */
const VERSION = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

const kafkaVersion = z.string({ error: expected("a Kafka version in quotes, like '4.3.1'") }).superRefine((version, ctx) => {
  const match = VERSION.exec(version);
  if (match === null) {
    ctx.addIssue({
      code: 'custom',
      message: `'${printable(version, 64)}' is not a Kafka version; write major.minor.patch (numbers of up to three digits, as Kafka's releases are named), e.g. '4.3.1'`,
    });
    return;
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major === 4 || (major === 3 && minor >= 7 && minor <= 9)) return;
  ctx.addIssue({
    code: 'custom',
    message: `Kafka ${version} is not supported: streamchaos runs brokers in KRaft combined mode, supported for 3.7.x to 3.9.x and 4.x`,
  });
});

const portBase = wholeNumber(1024).superRefine((base, ctx) => {
  if (Number.isInteger(base) && base + PORT_SPAN > EPHEMERAL_PORT_START) {
    ctx.addIssue({
      code: 'custom',
      message: `${base} is too high: streamchaos uses the ${PORT_SPAN} ports from base, and base + ${PORT_SPAN} must not exceed ${EPHEMERAL_PORT_START}, where the ephemeral port range starts; use at most ${EPHEMERAL_PORT_START - PORT_SPAN}`,
    });
  }
});

const jvmFlag = z.string({ error: expected("a JVM flag such as '-XX:+UseG1GC'") }).superRefine((flag, ctx) => {
  const problem = jvmFlagProblem(flag);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** Kafka's own rules for topic names (Topic.validate), plus the '__' prefix it keeps for internal topics. */
function topicNameProblem(name: string): string | undefined {
  if (name === '') return 'a topic name cannot be empty';
  if (name.length > 249) return `the name is ${count(name.length)} characters long; Kafka allows at most 249`;
  if (name.startsWith('__')) return `'${printable(name, 64)}': topic names starting with '__' are reserved for Kafka's internal topics`;
  if (name === '.' || name === '..') return `'${name}' is not a valid Kafka topic name`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `'${printable(name, 64)}' is not a valid Kafka topic name: use only letters, digits, '.', '_' and '-'`;
  return undefined;
}

export const topicName = z.string({ error: expected('a topic name') }).superRefine((name, ctx) => {
  const problem = topicNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** The name of an environment or experiment: it names directories, containers and reports. */
export function specName(noun: 'environment' | 'experiment') {
  return matching(
    `an ${noun} name`,
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    (name) => `'${printable(name, 64)}' is not a valid ${noun} name: use up to 63 letters, digits, '.', '_' and '-', starting with a letter or digit`,
  );
}

const environmentName = specName('environment');

export const topicSchema = mapping(
  {
    name: topicName,
    partitions: wholeNumber(1, 1000),
    replicationFactor: wholeNumber(1),
    config: topicConfig().default({}),
  },
  'a topic: a mapping with name, partitions and replicationFactor',
);

/** Rules that look across fields. They run even when other fields are invalid. */
const RULES: readonly Rule[] = [replicationFitsBrokers, uniqueTopicNames, topicConfigs, noManagedBrokerConfigs, heapFlagsAgree];

const heap = z.string({ error: expected("a JVM heap size like '512m' or '2g'") }).superRefine((value, ctx) => {
  const problem = heapProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

export const environmentSchema = mapping(
  {
    name: environmentName.optional(),
    description: z.string({ error: expected('a string') }).optional(),
    // 'external' is parsed by the external schema (see environmentSchemaFor); listed here for the typo suggestion
    runtime: choice(RUNTIME_NAMES)
      .default('process')
      .transform((runtime, ctx): 'process' | 'docker' => {
        if (runtime !== 'external') return runtime;
        ctx.addIssue({ code: 'custom', message: 'an external environment is read with its own schema' });
        return z.NEVER;
      }),
    kafka: mapping({ version: kafkaVersion.default(DEFAULT_KAFKA_VERSION) }).default({ version: DEFAULT_KAFKA_VERSION }),
    images: mapping(
      { kafka: imageReference().optional(), toxiproxy: imageReference().optional(), processor: imageReference().optional() },
      'a mapping of images: kafka, toxiproxy, processor',
    ).optional(),
    brokers: mapping(
      {
        count: wholeNumber(1, 9),
        heap: heap.default(DEFAULT_HEAP),
        jvmOptions: boundedList(jvmFlag, LIMITS.jvmOptions, 'JVM flags', 'a list of JVM flags').default([]),
        config: brokerConfig().default({}),
      },
      'a mapping with at least count',
    ),
    ports: mapping({ base: portBase.default(DEFAULT_PORT_BASE) }).default({ base: DEFAULT_PORT_BASE }),
    topics: boundedList(topicSchema, LIMITS.topics, 'topics', 'a list of topics').default([]),
  },
  'a mapping of environment fields (name, runtime, kafka, images, brokers, ports, topics)',
).superRefine(
  (document: unknown, ctx) => {
    for (const rule of RULES) {
      for (const issue of rule(document)) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: issue.atKey ? { atKey: true } : undefined });
      }
    }
  },
  { when: () => true },
);
