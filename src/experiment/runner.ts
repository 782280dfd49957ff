import type { Judgement } from '../check/judge.js';
import { UsageError, spokenDuration } from '../errors.js';
import type { ExperimentSpec } from '../schema/experiment.js';
import { runWithDeadline, TEARDOWN_AFTER_DEADLINE_MS } from '../util/deadline.js';
import { defaultDeadlineMs } from './budget.js';
import { bringUp, drain, method, rollback, steadyStateAfter, steadyStateBefore, verify } from './phases.js';
import { RunContext, type RunOptions } from './run-context.js';
import { WorkloadSet } from './workload-set.js';

export type { RunOptions } from './run-context.js';

/**
 * Runs one experiment end to end, in phases: bring-up → steady state before → method (load and
 * the fault timeline) → rollback (heal everything) → drain → steady state after → verify; then,
 * whatever happened, the teardown, and the judgement and reports from the History as written
 * (record, then judge: `streamchaos report` on the folder gives the same verdict).
 *
 * Throws EnvironmentError when the environment cannot start or the steady state does not hold
 * before any fault (nothing was tested), and DeadlineError when the run's overall deadline
 * (`options.deadlineMs`, else `defaultDeadlineMs`) passes: whatever the run was waiting for is
 * abandoned, faults healed, everything torn down, the reports written (verdict unknown) and then
 * it throws, naming the deadline and the phase. Otherwise resolves with the judgement.
 */
export async function runExperiment(spec: ExperimentSpec, options: RunOptions): Promise<Judgement> {
  if (spec.environment.runtime === 'external' && options.dryRun !== true && options.confirmedExternal !== true) {
    throw new UsageError(`refusing to inject faults into external environment ${spec.environment.name} without confirmation`, {
      hint: 'confirm with --yes (or interactively), or run the workload and checks with no fault with --dry-run',
    });
  }
  const ctx = await RunContext.open(spec, options);
  const deadlineMs = options.deadlineMs ?? defaultDeadlineMs(spec, options.runtime.name);
  options.log(`deadline: ${spokenDuration(deadlineMs)}`);
  const phases = async (): Promise<void> => {
    const env = await bringUp(ctx);
    await steadyStateBefore(ctx, env);
    const workload = new WorkloadSet(ctx, env);
    await workload.start();
    const timeline = await method(ctx, env, workload);
    await rollback(ctx, env, workload, timeline);
    await drain(ctx, workload);
    await steadyStateAfter(ctx, env, workload);
    await verify(ctx, env, workload);
    ctx.phase('judge', 'judging the history');
  };
  await runWithDeadline(
    (signal) => {
      ctx.deadline = signal;
      return phases();
    },
    {
      ms: deadlineMs,
      phase: () => ctx.doing,
      hint: `every fault was healed and the environment torn down; what was recorded is in ${options.outDir} (history.jsonl, report.html). Give the run more time with --deadline`,
      onPassed: (during) => ctx.deadlinePassed(during, deadlineMs),
      // every exit ends the run here; past the deadline waited for TEARDOWN_AFTER_DEADLINE_MS at most,
      // so the DeadlineError surfaces at most 10 s (onPassed) + 90 s after the deadline, whatever the teardown waits on
      teardown: () => ctx.finish(),
      teardownMs: TEARDOWN_AFTER_DEADLINE_MS,
    },
  );
  const judgement = await ctx.finish();
  if (judgement === undefined) throw new Error(`the run could not be judged; its history is in ${ctx.history.file}`);
  return judgement;
}
