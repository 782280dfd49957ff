import { environmentBrokerIds } from '../schema/environment.js';
import type { ExperimentSpec } from '../schema/experiment.js';
import { injectBoundMs } from './timeline.js';

/**
 * How long each phase of a run may take on a slow machine, and the overall deadline they add up
 * to. The bounds inside each phase (every client call, node operation and wait) are tighter;
 * the deadline is the backstop that ends a run whatever hangs.
 */
export const BUDGET = {
  /** The environment: nodes started, the cluster healthy (the runtimes' own bound is 2–3 min). */
  startupMs: 180_000,
  /** Images to pull on a Docker engine that does not have them (each pull is bounded at 10 min). */
  pullMs: 600_000,
  /** The steady state before any fault. */
  probeBeforeMs: 30_000,
  /** Processor instances joining their group (90 s each, together). */
  processorStartMs: 120_000,
  /** Consumer groups of the workload joining (per group). */
  consumersStartMs: 60_000,
  /** Load kept going while a heal begun in its time completes, and for a recovery hold after it. */
  healTailMs: 90_000,
  /** Load stopped (sends in flight end or are abandoned after 45 s) and every fault healed. */
  stopAndHealMs: 120_000,
  /** The steady state after: the cluster settles. */
  settleMs: 90_000,
  /** The verifier's complete read of the output. */
  verifyMs: 120_000,
  /** Teardown of the load clients, the log scan, the reports. */
  wrapUpMs: 60_000,
} as const;

/**
 * The default overall deadline of a run of `spec` on `runtime`: startup, the load, draining,
 * settling and verifying, each with room to spare (leader-kill on the process runtime: 12m 50s).
 * A rolling restart may outlast the load (each broker restarted and the cluster healthy before
 * the next): its own bound is added.
 */
export function defaultDeadlineMs(spec: ExperimentSpec, runtime: string): number {
  const processor = spec.workload.processor;
  const consumers = spec.workload.consumers ?? [];
  const pulls = runtime === 'docker' || processor?.image !== undefined;
  const drains = (processor === undefined ? 0 : 1) + (consumers.length > 0 ? 1 : 0);
  const brokers = environmentBrokerIds(spec.environment).length;
  const rolling = spec.timeline.filter((f) => f.kind === 'rolling-restart').reduce((sum, f) => sum + injectBoundMs(f, brokers), 0);
  return (
    BUDGET.startupMs +
    (pulls ? BUDGET.pullMs : 0) +
    BUDGET.probeBeforeMs +
    (processor === undefined ? 0 : BUDGET.processorStartMs) +
    consumers.length * BUDGET.consumersStartMs +
    spec.durationMs +
    (spec.timeline.some((f) => f.healAtMs !== undefined) ? BUDGET.healTailMs + spec.slos.recovery.holdSeconds * 1000 : 0) +
    rolling +
    BUDGET.stopAndHealMs +
    drains * spec.workload.drainMs +
    BUDGET.settleMs +
    BUDGET.verifyMs +
    BUDGET.wrapUpMs
  );
}
