import type { Slos } from './slos.js';

/** One fault window as it will run: when, what, on which target (random targets already drawn from the seed). */
export interface PlannedFault {
  index: number;
  name: string;
  kind: string;
  atMs: number;
  healAtMs?: number;
  target: string;
  /** The earlier faults it waits for, when any (faultsToWaitFor): it begins once they are over, late if need be. */
  waitsFor?: number[];
}

/** One output topic the verdict reads back, and the input topics whose sends it must hold. */
export interface JudgedTopic {
  input: string[];
  output: string;
  /** The header carrying each record's input id, when it is not the producer's own (a processor's output). */
  idHeader?: string;
}

/**
 * The experiment with everything resolved that can be resolved before starting. Recorded in
 * the History's first line: the report shows the experiment as run from it.
 */
export interface Plan {
  name: string;
  description?: string;
  seed: number;
  durationMs: number;
  environment: {
    name: string;
    brokers: number;
    /** The brokers' ids (1..count for a managed cluster); absent for an external one, whose brokers are the ones its metadata lists at startup. */
    brokerIds?: number[];
    kafka: string;
    topics: string[];
    /** Partitions per topic the environment declares. */
    partitions: Record<string, number>;
    /** min.insync.replicas per declared topic, as configured (the broker default where the topic sets none; 1 when neither says). */
    minIsr: Record<string, number>;
  };
  /**
   * What the verdict judges: each output topic read back at the end, and the topics whose sends
   * it must hold exactly once. A producer-only workload judges each topic produced to against
   * itself; a processor's output is judged against its input.
   */
  judged: JudgedTopic[];
  /** The consumer groups whose lag is sampled (the processor's group first). */
  groups: { group: string; topic: string }[];
  /** For an external environment: where it is, its declared proxies, and which faults are possible there. Never a secret. */
  external?: { bootstrap: string; observer: string; security: string; toxiproxy?: string; proxies: string[]; possible: string[]; impossible: string[] };
  /** `--dry-run`: the workload and every check run, and no fault is injected. */
  dryRun?: boolean;
  producers: {
    name: string;
    topic: string;
    rate: number;
    keys: number;
    payloadBytes: number;
    acks: string;
    idempotent: boolean;
    transactional: boolean;
    instances: number;
    /** Partitions of its topic. */
    partitions: number;
    /** A second header its records carry their id in (the processor's idHeader, when the processor reads this topic). */
    alsoIdHeader?: string;
    /** The Kafka client it runs on (kafkajs where librdkafka was asked for and is not available: see clientFallback). */
    client: string;
  }[];
  processor?: {
    input: string;
    output: string;
    instances: number;
    mode: string;
    command?: string[];
    /** Its consumer group. */
    group: string;
    /** The header its output records carry the input id in. */
    idHeader: string;
    outputPartitions: number;
    /** The Kafka client of streamchaos's own processor; absent for a processor of the user's own. */
    client?: string;
  };
  consumers?: { name: string; topic: string; group: string; instances: number; client: string }[];
  /**
   * Set when librdkafka was asked for and could not be loaded here: why, and who runs on kafkajs
   * instead. The summary and the report say so: a run never changes its client silently.
   */
  clientFallback?: { reason: string; clients: string[] };
  timeline: PlannedFault[];
  steadyState: { before: string[]; after: string[] };
  slos: Slos;
  runbook?: string;
}

/**
 * The faults fault `i` waits for before it begins: every earlier one planned to be over by then
 * (healed at or before its start, or instant). A heal takes time (a killed broker's restart:
 * 10-20 s), and a fault begun while an earlier one still heals meets damage the plan did not
 * put there; windows the plan overlaps on purpose run as planned.
 */
export function faultsToWaitFor(faults: readonly { atMs: number; healAtMs?: number }[], i: number): number[] {
  const f = faults[i];
  if (f === undefined) return [];
  return faults.flatMap((g, j) => (j < i && g.atMs <= f.atMs && (g.healAtMs ?? g.atMs) <= f.atMs ? [j] : []));
}

/** The warning of a run whose librdkafka clients fell back to kafkajs, in one sentence (summary, plan and report say the same). */
export function clientFallbackText(f: NonNullable<Plan['clientFallback']>): string {
  return `librdkafka is not available here (${f.reason}): kafkajs runs ${f.clients.join(', ')} instead, with its known gaps (README: Kafka clients)`;
}
