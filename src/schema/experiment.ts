/**
 * The experiment file: an environment, a workload run for a while, faults on a timeline, and
 * what must hold afterwards. Parse with `parseExperiment` / `loadExperiment`
 * (load-experiment.ts), which add file:line to every problem; this module holds the types and
 * the schema of the top-level fields. Every time is in milliseconds.
 */
import { z } from 'zod';
import { duration } from './duration.js';
import type { EnvironmentSpec } from './environment.js';
import { specName } from './environment.js';
import { DEFAULT_RECOVERY, type Slos } from '../history/slos.js';
import { choice, expected, mapping, wholeNumber } from './fields.js';
import { credentialsInUrlMessage, textHasUrlCredentials } from './credentials.js';
import type { KafkaClientName } from './workload.js';

export { formatDuration } from './duration.js';
export { describeTarget } from './target-rules.js';
export type { EnvironmentSpec } from './environment.js';

/** Milliseconds. */
export type Duration = number;

/** Which node a fault hits, resolved when it is injected (roles move during a run). */
export type TargetRule =
  | { type: 'broker'; id: number }
  | { type: 'controller' }
  | { type: 'leader' | 'follower'; topic: string; partition: number }
  | { type: 'group-coordinator'; group: string }
  | { type: 'transaction-coordinator'; transactionalId: string }
  | { type: 'random-broker' }
  | { type: 'all-brokers' }
  | { type: 'processor'; instance: number }
  | { type: 'random-processor' };

/** Which of a broker's links a network fault touches: clients→broker, broker↔other brokers, or both. */
export type LinkScope = 'clients' | 'peers' | 'all';

/** Faults that stop or restart one node. */
export type NodeFaultKind = 'broker-kill' | 'broker-terminate' | 'broker-pause' | 'broker-restart' | 'processor-kill' | 'processor-pause';

// One member per node kind (the same type as `{ kind: NodeFaultKind; target }`), so Extract<FaultSpec, { kind: 'broker-kill' }> works.
export type FaultSpec = {
  name: string;
  atMs: number;
  /** Absolute. Undefined for instant kinds; the experiment's duration when the file gave neither duration nor healAt. */
  healAtMs?: number;
} & (
  | { [K in NodeFaultKind]: { kind: K; target: TargetRule } }[NodeFaultKind]
  | { kind: 'rolling-restart'; target: TargetRule; intervalMs: number }
  | { kind: 'latency'; target: TargetRule; links: LinkScope; latencyMs: number; jitterMs: number }
  | { kind: 'bandwidth'; target: TargetRule; links: LinkScope; rateKBps: number }
  | { kind: 'blackhole'; target: TargetRule; links: LinkScope }
  | { kind: 'reset-peer'; target: TargetRule; links: LinkScope; timeoutMs: number }
  | { kind: 'slow-close'; target: TargetRule; links: LinkScope; delayMs: number }
  | { kind: 'slicer'; target: TargetRule; links: LinkScope; averageSize: number; sizeVariation: number; delayUs: number }
  | { kind: 'limit-data'; target: TargetRule; links: LinkScope; bytes: number }
  | { kind: 'isolate'; target: TargetRule; from: 'everyone' | 'peers' | 'clients' }
  | { kind: 'split'; groups: number[][] }
  | { kind: 'cut'; from: TargetRule | { type: 'clients' }; to: TargetRule }
);

export type FaultKind = FaultSpec['kind'];

export interface ProducerSpec {
  name: string;
  topic: string;
  /** Records per second, over all instances. */
  rate: number;
  keys: number;
  payloadBytes: number;
  acks: 'all' | 'leader' | 'none';
  idempotent: boolean;
  transactions?: { recordsPerTransaction: number };
  instances: number;
  /** The Kafka client it runs on. */
  client: KafkaClientName;
}

export interface ProcessorSpec {
  input: string;
  output: string;
  instances: number;
  mode: 'exactly-once' | 'at-least-once';
  /** The user's own processor as a command (a local process); ours runs when neither this nor `image` is given. */
  command?: string[];
  /** The user's own processor as a container image (run as a container on any runtime); `command` then overrides its command. */
  image?: string;
  /** Extra environment variables for the user's processor. */
  env?: Record<string, string>;
  /** The record header that carries each record's id through the processor. */
  idHeader: string;
  /** The Kafka client of streamchaos's own processor (unused by a processor of the user's own). */
  client: KafkaClientName;
}

/** A consumer group reading a topic through the client links, like a downstream application; its lag is measured. */
export interface ConsumerSpec {
  name: string;
  topic: string;
  group: string;
  instances: number;
  /** The Kafka client its instances run on. */
  client: KafkaClientName;
}

export type SteadyStateProbe = 'cluster-healthy' | 'all-brokers-up' | 'min-isr-met';

export interface ExperimentSpec {
  /** Defaults to the file's basename without extension. */
  name: string;
  description?: string;
  /** The experiment file, as given. */
  file: string;
  environment: EnvironmentSpec;
  /** The environment file, when the experiment names one rather than writing it inline. */
  environmentFile?: string;
  seed: number;
  /** How long load runs; every fault window lies inside it. */
  durationMs: number;
  workload: { producers: ProducerSpec[]; processor?: ProcessorSpec; consumers?: ConsumerSpec[]; drainMs: number };
  /** Sorted by atMs; faults that start together keep the file's order. */
  timeline: FaultSpec[];
  steadyState: { before: SteadyStateProbe[]; after: SteadyStateProbe[] };
  slos: Slos;
  runbook?: string;
}

export const STEADY_STATE_PROBES = ['cluster-healthy', 'all-brokers-up', 'min-isr-met'] as const satisfies readonly SteadyStateProbe[];

const probes = z.array(choice(STEADY_STATE_PROBES), { error: expected(`a list of probes: ${STEADY_STATE_PROBES.join(', ')}`) });
export const SLO_NAMES = [
  'exactlyOnce',
  'orderedPerKey',
  'maxIndeterminate',
  'maxRecoverySeconds',
  'maxLag',
  'lagRecoveredWithinSeconds',
  'p50LatencyMs',
  'p99LatencyMs',
  'maxLatencyMs',
  'minThroughputRatio',
  'recovery',
] as const;

/** A non-negative number; an SLO of `-1 s` or `NaN` is nonsense. */
function nonNegative(what: string) {
  return z.number({ error: expected(what) }).superRefine((n, ctx) => {
    if (!Number.isFinite(n) || n < 0) ctx.addIssue({ code: 'custom', message: `must be 0 or more (${what}), got ${n}` });
  });
}
function seconds(what: string) {
  return nonNegative(what);
}
const milliseconds = nonNegative('a number of milliseconds');
function ratio(what: string, aboveZero: boolean) {
  return z.number({ error: expected(what) }).superRefine((n, ctx) => {
    if (!Number.isFinite(n) || n > 1 || n < 0 || (aboveZero && n === 0)) ctx.addIssue({ code: 'custom', message: `must be ${what}, got ${n}` });
  });
}
const flag = z.boolean({ error: expected('true or false') });
const text = z.string({ error: expected('text') });

/**
 * The top-level fields. `environment`, `workload` and `timeline` are checked by their own
 * parsers (they need each other: a fault's target needs the environment's topics).
 */
export const experimentFields = {
  name: specName('experiment').optional(),
  description: text.optional(),
  environment: z.unknown(),
  seed: wholeNumber(0).default(1),
  duration: duration('positive'),
  workload: z.unknown(),
  timeline: z.unknown(),
  steadyState: mapping({ before: probes.default(['cluster-healthy']), after: probes.default(['cluster-healthy']) }, 'a mapping with before and after').default({
    before: ['cluster-healthy'],
    after: ['cluster-healthy'],
  }),
  slos: mapping(
    {
      exactlyOnce: flag.default(true),
      orderedPerKey: flag.default(false),
      maxIndeterminate: wholeNumber(0).optional(),
      maxRecoverySeconds: seconds('a number of seconds').optional(),
      maxLag: wholeNumber(0).optional(),
      lagRecoveredWithinSeconds: seconds('a number of seconds').optional(),
      p50LatencyMs: milliseconds.optional(),
      p99LatencyMs: milliseconds.optional(),
      maxLatencyMs: milliseconds.optional(),
      minThroughputRatio: ratio('a share of the offered load, from 0 to 1', false).optional(),
      recovery: mapping(
        {
          throughputRatio: ratio('a share of the pre-fault throughput, above 0 and at most 1', true).default(DEFAULT_RECOVERY.throughputRatio),
          holdSeconds: seconds('a number of seconds').default(DEFAULT_RECOVERY.holdSeconds),
          lagBelow: wholeNumber(0).default(DEFAULT_RECOVERY.lagBelow),
        },
        'a mapping saying when the service counts as recovered (throughputRatio, holdSeconds, lagBelow)',
      ).default(DEFAULT_RECOVERY),
    },
    `a mapping of SLOs (${SLO_NAMES.join(', ')})`,
  ).default({ exactlyOnce: true, orderedPerKey: false, recovery: DEFAULT_RECOVERY }),
  runbook: text
    .refine((t) => !textHasUrlCredentials(t), { message: credentialsInUrlMessage('a URL in the runbook', 'link to the page without them') })
    .optional(),
};
