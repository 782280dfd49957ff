/**
 * What an experiment promises (its SLOs) and how recovery is measured. Written in the
 * experiment file under `slos:`; carried in the History's first line so a saved run can be
 * checked and reported again.
 */
export interface Slos {
  /** Nothing acknowledged lost, nothing duplicated, nothing corrupted (input to output). */
  exactlyOnce: boolean;
  /** Per key, records appear in send order. */
  orderedPerKey: boolean;
  /** At most this many records whose send outcome is unknown. */
  maxIndeterminate?: number;
  /** Every fault: seconds until the service recovered (failover while the fault is active, and again after its heal). */
  maxRecoverySeconds?: number;
  /** The most records any consumer group of the workload may fall behind, in total over its partitions. */
  maxLag?: number;
  /** After every heal, each consumer group's lag is back under `recovery.lagBelow` within this many seconds. */
  lagRecoveredWithinSeconds?: number;
  /** End-to-end latency (send → committed and readable in the output), milliseconds, over the whole run. */
  p50LatencyMs?: number;
  p99LatencyMs?: number;
  maxLatencyMs?: number;
  /** Records acknowledged over the load period, as a share of the records offered (rate × duration). */
  minThroughputRatio?: number;
  /** How recovery is measured. */
  recovery: RecoveryDefinition;
}

export interface RecoveryDefinition {
  /** Throughput counts as recovered at this share of the pre-fault baseline (0 < x ≤ 1). */
  throughputRatio: number;
  /** …and must stay there this long (seconds), with no failed send. */
  holdSeconds: number;
  /** Lag counts as recovered under this many records (total per group). */
  lagBelow: number;
}

export const DEFAULT_RECOVERY: RecoveryDefinition = { throughputRatio: 0.8, holdSeconds: 3, lagBelow: 200 };
