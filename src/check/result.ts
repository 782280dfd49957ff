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
  /** True when the evidence was not enough to judge (then `pass` is false and the message says why): never a pass, never a fail. */
  unknown?: boolean;
}

export interface FaultOutcomeSummary {
  index: number;
  name: string;
  kind: string;
  target?: string;
  injectedAt?: number;
  healedAt?: number;
  error?: string;
  /** Injected and, though it has a heal, never healed: why (the run ended first…). */
  notHealed?: string;
  /** How late it began, when an earlier fault was still healing at its planned time. */
  delayedMs?: number;
  effect?: FaultEffect;
  recovery?: FaultRecovery;
}

export type Verdict = 'pass' | 'fail' | 'unknown';

/** result.json */
export interface RunResult {
  name: string;
  /**
   * pass: every blocking check held. fail: a blocking check failed. unknown: no blocking check
   * failed, but the evidence was not enough for a pass (the run did not finish, nothing was
   * acknowledged, a read could not reach the end…).
   */
  verdict: Verdict;
  /** For a run that did not finish (deadline, interruption, crash): why, and the phases that never ran. */
  unfinished?: { reason: string; phasesNotRun: string[] };
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
