import type { ExactlyOnceResult } from '../check/exactly-once/checker.js';
import type { FaultEffect } from '../check/fault-effects.js';
import type { InvariantResult } from '../check/invariants.js';
import type { Measurements } from '../check/measurements.js';
import type { Check, CheckCategory, RunResult } from '../check/result.js';
import { measuredFigures, verdictChecks, verdictOf } from '../check/verdict.js';
import type { ExperimentSpec } from '../schema/experiment.js';
import type { LoadProducer } from '../workload/producer.js';
import type { Plan } from './resolve-plan.js';
import type { ProbeResult } from './steady-state.js';
import type { FaultOutcome } from './timeline.js';

export type { Check, RunResult } from '../check/result.js';

export interface ResultInput {
  spec: ExperimentSpec;
  plan: Plan;
  seed: number;
  before: readonly ProbeResult[];
  after: readonly ProbeResult[];
  exactlyOnce: ExactlyOnceResult;
  invariants: readonly InvariantResult[];
  faults: readonly FaultOutcome[];
  effects: readonly FaultEffect[];
  producers: readonly LoadProducer[];
  startedAt: number;
  command: string;
  measurements: Measurements;
  /** Categories whose failure fails the run; every category when undefined. */
  failOn?: readonly CheckCategory[];
}

/** The verdict: every check, pass or fail; the run fails when a blocking check failed. */
export function buildResult(input: ResultInput): RunResult {
  const { spec, exactlyOnce: eo, measurements: m } = input;
  const checks: Check[] = [];
  for (const [when, probes] of [
    ['before', input.before],
    ['after', input.after],
  ] as const) {
    for (const p of probes) checks.push({ name: `steady state ${when}: ${p.probe}`, category: 'steady-state', pass: p.pass, message: p.message });
  }
  const failedFaults = input.faults.filter((f) => f.error !== undefined);
  checks.push({
    name: 'faults injected and healed',
    category: 'faults',
    pass: failedFaults.length === 0,
    message:
      input.plan.dryRun === true
        ? `dry run: none of the ${input.plan.timeline.length} planned faults was injected`
        : failedFaults.length === 0
          ? `${input.faults.length} of ${input.faults.length}`
          : failedFaults.map((f) => `${f.name}: ${f.error}`).join('; '),
    observed: input.faults.length - failedFaults.length,
    threshold: input.faults.length,
  });
  checks.push(...verdictChecks(spec.slos, eo, input.invariants, m));
  const recoveries = new Map(m.faults.map((f) => [f.index, f]));
  return {
    name: spec.name,
    verdict: verdictOf(checks, input.failOn),
    seed: input.seed,
    startedAt: new Date(input.startedAt).toISOString(),
    command: input.command,
    checks,
    exactlyOnce: eo,
    faults: input.faults.map((f) => {
      const effect = input.effects.find((e) => e.index === f.index);
      const recovery = recoveries.get(f.index);
      return { ...f, ...(effect === undefined ? {} : { effect }), ...(recovery === undefined ? {} : { recovery }) };
    }),
    producers: input.producers.map((p) => ({ name: p.process, ...p.stats })),
    ...measuredFigures(m),
    plan: input.plan,
  };
}
