import type { Plan } from '../history/plan.js';
import type { ExactlyOnceResult } from './exactly-once/checker.js';
import type { FaultEffect } from './fault-effects.js';
import type { FaultRecovery, LatencySummary, RuntimeInfo } from './measurements.js';

/** Kinds of check, for `--fail-on`: a gate may block on some and only report the others. */
export const CHECK_CATEGORIES = [
  'exactly-once',
  'order',
  'indeterminate',
  'recovery',
  'lag',
  'latency',
  'throughput',
  'steady-state',
  'invariants',
  'faults',
] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];

/** One check of the verdict: what was measured against what was promised. */
export interface Check {
  name: string;
  category?: CheckCategory;
  pass: boolean;
  message: string;
  observed?: number | string;
  threshold?: number | string;
  /** False when a failure does not fail the run (`--fail-on` left its category out): reported as a warning. */
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
  /** What ran the environment (absent for runs recorded before streamchaos recorded it). */
  runtime?: RuntimeInfo;
  plan: Plan;
}
