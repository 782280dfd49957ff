import type { ExactlyOnceResult } from '../check/exactly-once.js';
import type { FaultEffect } from '../check/fault-effects.js';
import type { InvariantResult } from '../check/invariants.js';
import type { ExperimentSpec } from '../spec/experiment.js';
import type { LoadProducer } from '../workload/producer.js';
import type { Plan } from './plan.js';
import type { ProbeResult } from './steady-state.js';
import type { FaultOutcome } from './timeline.js';

/** One check of the verdict: what was measured against what was promised. */
export interface Check {
  name: string;
  pass: boolean;
  message: string;
  observed?: number | string;
  threshold?: number | string;
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
  faults: (FaultOutcome & { effect?: FaultEffect })[];
  producers: { name: string; sent: number; acked: number; failed: number; indeterminate: number }[];
  plan: Plan;
}

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
}

export function buildResult(input: ResultInput): RunResult {
  const { spec, exactlyOnce: eo } = input;
  const checks: Check[] = [];
  for (const [when, probes] of [['before', input.before], ['after', input.after]] as const) {
    for (const p of probes) checks.push({ name: `steady state ${when}: ${p.probe}`, pass: p.pass, message: p.message });
  }
  const failedFaults = input.faults.filter((f) => f.error !== undefined);
  checks.push({
    name: 'faults injected and healed',
    pass: failedFaults.length === 0,
    message: failedFaults.length === 0 ? `${input.faults.length} of ${input.faults.length}` : failedFaults.map((f) => `${f.name}: ${f.error}`).join('; '),
    observed: input.faults.length - failedFaults.length,
    threshold: input.faults.length,
  });
  if (spec.slos.exactlyOnce) {
    checks.push({
      name: 'exactly-once',
      pass: eo.pass,
      message:
        (eo.unknown === undefined ? '' : `cannot rule out loss: ${eo.unknown}; `) +
        `${eo.acked} acked: ${eo.lost} lost, ${eo.duplicated} duplicated, ${eo.corrupted} corrupted, ${eo.failedButPresent} failed-but-present, ${eo.unexpected} unexpected; ${eo.indeterminate} indeterminate (${eo.indeterminatePresent} present once)`,
      observed: eo.lost + eo.duplicated + eo.corrupted + eo.failedButPresent + eo.unexpected,
      threshold: 0,
    });
  }
  if (spec.slos.orderedPerKey) {
    checks.push({ name: 'order per key', pass: eo.unknown === undefined && eo.reordered === 0, message: `${eo.reordered} records out of send order`, observed: eo.reordered, threshold: 0 });
  }
  for (const monitor of input.invariants) {
    checks.push({ name: monitor.name, pass: monitor.pass, message: monitor.samples.length > 0 && !monitor.pass ? `${monitor.message}: ${monitor.samples.join('; ')}` : monitor.message, observed: monitor.observed, ...(Number.isFinite(monitor.threshold) ? { threshold: monitor.threshold } : {}) });
  }
  if (spec.slos.maxIndeterminate !== undefined) {
    checks.push({
      name: 'indeterminate sends',
      pass: eo.indeterminate <= spec.slos.maxIndeterminate,
      message: `${eo.indeterminate} sends with unknown outcome`,
      observed: eo.indeterminate,
      threshold: spec.slos.maxIndeterminate,
    });
  }
  return {
    name: spec.name,
    verdict: checks.every((c) => c.pass) ? 'pass' : 'fail',
    seed: input.seed,
    startedAt: new Date(input.startedAt).toISOString(),
    command: input.command,
    checks,
    exactlyOnce: eo,
    faults: input.faults.map((f) => {
      const effect = input.effects.find((e) => e.index === f.index);
      return effect === undefined ? { ...f } : { ...f, effect };
    }),
    producers: input.producers.map((p) => ({ name: p.process, ...p.stats })),
    plan: input.plan,
  };
}
