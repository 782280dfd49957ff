/**
 * What the run measured, derived from the History alone (see measure.ts): the time series the
 * report draws and the recovery of every fault that the SLO checks hold to their thresholds.
 * Times are milliseconds since the epoch; durations are in the unit their name says.
 */

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** End-to-end latency (send → committed and readable in the output) of the records sent in each phase. */
export interface LatencySummary {
  overall?: Percentiles;
  /** Sent while no fault was active and none was recovering. */
  steady?: Percentiles;
  /** Sent while a fault was active (between injection and heal). */
  fault?: Percentiles;
  /** Sent after a heal, before the service had recovered. */
  recovery?: Percentiles;
  /** Acknowledged records the watcher never saw committed in the output (no latency for them). */
  unseen: number;
}

export interface FaultRecovery {
  index: number;
  name: string;
  kind?: string;
  target?: string;
  injectedAt: number;
  /** Undefined for an instant fault (a kill without restart) or one still active when load stopped. */
  healedAt?: number;
  /** It has a heal, and the History records none (the run ended first): nothing is measured against a heal. */
  notHealed?: boolean;
  /** The next fault, when it began before this one's recovery was seen: past its start, the damage cannot be told apart. */
  cutShortBy?: string;
  /** Throughput fell below the recovery ratio of the baseline, or a send failed, after the injection. */
  impacted: boolean;
  /** Seconds from injection until recovered while the fault was still active (failover); undefined when it did not recover before the heal. */
  failoverSeconds?: number;
  /** Seconds from the heal until recovered (0 when the heal disturbed nothing); undefined when not recovered before load stopped. */
  recoveredAfterHealSeconds?: number;
  /** When the service had recovered for good from this fault. */
  recoveredAt?: number;
  /** Seconds from the injection until `recoveredAt`, when it was impacted: the outage as clients saw it. */
  outageSeconds?: number;
  /** What `maxRecoverySeconds` holds: the outage (0 when not impacted). Undefined: never recovered. */
  recoverySeconds?: number;
  /** Lowest throughput between injection and recovery, as a share of the baseline. */
  minThroughputRatio?: number;
  /** Seconds from the heal until every ISR was full again (from the samples). */
  isrFullAfterHealSeconds?: number;
  /** Most lag (records, total per group, worst group) between injection and recovery. */
  maxLag?: number;
  /** Seconds from the heal until every group's lag was under `lagBelow` (undefined: never in the samples). */
  lagRecoveredAfterHealSeconds?: number;
}

/** What ran the environment: the runtime, and what ran each kind of node (an image, or local processes). */
export interface RuntimeInfo {
  name: string;
  nodes: Record<string, string>;
}

export interface Measurements {
  runtime?: RuntimeInfo;
  loadStart?: number;
  loadStop?: number;
  /** Records per second the producers were asked to offer, in total. */
  offeredPerSecond?: number;
  /** Throughput before the first fault: the reference for recovery. */
  baseline?: { recordsPerSecond: number; from: number; to: number };
  /** Acknowledged records over the load period as a share of the records offered. */
  throughputRatio?: number;
  /** One point per second from load start: records acknowledged, and records whose send failed or timed out. */
  throughput: { time: number; acked: number; errors: number }[];
  /** One point per second of send time: latency percentiles of the records sent in that second (ms). */
  latency: { time: number; count: number; p50: number; p95: number; p99: number; max: number }[];
  latencySummary: LatencySummary;
  /** Lag samples per consumer group, total over partitions. */
  lag: { time: number; group: string; total: number }[];
  maxLag?: number;
  /** Cluster samples: brokers alive, partitions under-replicated and offline, the smallest ISR, the controller, processors alive. */
  cluster: { time: number; liveBrokers: number; underReplicated: number; offline: number; minIsr?: number; controller?: number; processorsAlive?: number }[];
  faults: FaultRecovery[];
  /** Phases, load start/stop, faults and heals, nodes down and up, notes: on the same clock. */
  events: { time: number; kind: string; name: string; target?: string }[];
}
