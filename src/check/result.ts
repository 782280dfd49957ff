import type { Plan } from '../history/plan.js';
import type { ExactlyOnceResult } from './exactly-once.js';
import type { FaultEffect } from './fault-effects.js';
import type { FaultRecovery, LatencySummary } from './measurements.js';

/** One check of the verdict: what was measured against what was promised. */
export interface Check {
  name: string;
  pass: boolean;
  message: string;
  observed?: number | string;
  threshold?: number | string;
  /** Whether a failure fails the run (see `--fail-on`); checks that do not block are reported as warnings. */
  blocking?: boolean;
}

export interface FaultOutcomeSummary {
  index: number;
  name: string;
  kind: string;
  target?: string;
  injectedAt?: number;
  healedAt?: number;
  error?: string;
  effect?: FaultEffect;
  recovery?: FaultRecovery;
}

/** result.json */
export interface RunResult {
  name: string;
  verdict: 'pass' | 'fail';
  seed: number;
  startedAt: string;
  command: string;
  checks: Check[];
  exactlyOnce: ExactlyOnceResult;
  faults: FaultOutcomeSummary[];
  producers: { name: string; sent: number; acked: number; failed: number; indeterminate: number }[];
  latency: LatencySummary;
  throughput: { offeredPerSecond?: number; baselinePerSecond?: number; ratio?: number };
  maxLag?: number;
  plan: Plan;
}
