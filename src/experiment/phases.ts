import { basename, join } from 'node:path';
import { WINDOW_MS } from '../check/ack-series.js';
import { UNCLEAN_ELECTION_NOTE } from '../check/invariants.js';
import { EnvironmentError, spokenDuration } from '../errors.js';
import { DRY_RUN_NOTE, ENVIRONMENT_UP, LOAD_EXTENDED_NOTE } from '../history/types.js';
import type { StartedEnvironment } from '../runtime/runtime.js';
import { formatDuration, type SteadyStateProbe } from '../schema/experiment.js';
import { interruptedBy } from '../util/cleanup-stack.js';
import { sleep } from '../util/time.js';
import { verifyTopic } from '../workload/verifier.js';
import { BUDGET } from './budget.js';
import { liveProgress } from './live-progress.js';
import { findUncleanElections } from './log-scan.js';
import type { RunContext } from './run-context.js';
import { type ProbeResult, runProbe } from './steady-state.js';
import { Timeline } from './timeline.js';
import type { WorkloadSet } from './workload-set.js';

/*
 * The phases of a run, in Chaos Toolkit's words, each a small function of the run's context:
 * bring-up → steady state before → method (load and timeline) → rollback (heal everything) →
 * drain → steady state after → verify. Each records itself as it begins; the judgement and
 * the reports come after, from the History (RunContext.finish).
 */

/** Starts the environment; it goes on the cleanup stack at once. */
export async function bringUp(ctx: RunContext): Promise<StartedEnvironment> {
  const { spec, options } = ctx;
  ctx.phase('bring-up', `starting environment ${spec.environment.name}`);
  const env = await options.runtime.up(spec.environment, {
    dir: join(options.outDir, 'environment'),
    progress: options.progress,
    log: options.log,
    owner: basename(options.outDir),
  });
  ctx.defer('environment', () => env.down());
  ctx.note(ENVIRONMENT_UP, { runtime: env.runtime, ...env.images, brokers: env.topology.brokers.map((b) => b.id) });
  return env;
}

/** The steady state before any fault; when it does not hold, nothing can be tested (exit 3). */
export async function steadyStateBefore(ctx: RunContext, env: StartedEnvironment): Promise<void> {
  ctx.phase('steady-state-before', 'checking the steady state before');
  const broken = (await probes(ctx, env, ctx.spec.steadyState.before, BUDGET.probeBeforeMs, 'before')).filter((p) => !p.pass);
  if (broken.length > 0) {
    throw new EnvironmentError(`the steady state does not hold before any fault: ${broken.map((p) => `${p.probe}: ${p.message}`).join('; ')}`);
  }
}

/** The method: load for the experiment's duration with the fault timeline running, kept going while a heal completes. */
export async function method(ctx: RunContext, env: StartedEnvironment, workload: WorkloadSet): Promise<Timeline> {
  const { spec, plan, history, options } = ctx;
  const dryRun = plan.dryRun === true;
  if (dryRun) {
    ctx.note(DRY_RUN_NOTE, { skipped: spec.timeline.map((f) => f.name) });
    options.progress.done(`dry run: the ${spec.timeline.length === 1 ? 'fault' : `${spec.timeline.length} faults`} of the timeline will not be injected`);
  }
  const timeline = new Timeline({
    faults: dryRun ? [] : spec.timeline,
    seed: options.seed,
    history,
    context: (random) => ({
      env,
      ...(workload.processors === undefined ? {} : { processors: workload.processors }),
      network: env.network,
      topology: env.topology,
      observer: env.observer,
      history,
      random,
      log: options.log,
    }),
  });
  ctx.defer('faults', async () => {
    // past here the environment is torn down: a killed node is left to the teardown, not restarted first
    env.windDown();
    await timeline.healAll({ tearingDown: true });
    await env.network.healAll();
  });
  const faults = dryRun ? 'no fault (dry run)' : `${spec.timeline.length} fault${spec.timeline.length === 1 ? '' : 's'}`;
  ctx.phase('method', `running load for ${formatDuration(spec.durationMs)} with ${faults}`);
  await workload.startLoad();
  const t0 = Date.now();
  history.record({ type: 'event', kind: 'load', time: t0, name: 'start' });
  timeline.start(t0);
  const ticker = liveProgress(history, spec, t0, options.progress);
  ctx.defer('progress', () => clearInterval(ticker));
  await sleep(spec.durationMs);
  await keepLoadThroughHeals(ctx, timeline);
  clearInterval(ticker);
  history.record({ type: 'event', kind: 'load', time: Date.now(), name: 'stop' });
  return timeline;
}

/**
 * A heal takes time (a killed broker's restart: 10-20 s on a busy 2-core machine), and recovery
 * after it can only be judged while load runs: when the load's time is up with a heal still in
 * progress, or completed less than a recovery hold ago, the load goes on (bounded) until the
 * last heal has completed and a hold has passed. The History says by how much and why.
 */
async function keepLoadThroughHeals(ctx: RunContext, timeline: Timeline): Promise<void> {
  const { spec } = ctx;
  const due = Date.now();
  const lastHeal = await timeline.healsInProgress(BUDGET.healTailMs);
  if (lastHeal === undefined) return;
  const until = lastHeal + spec.slos.recovery.holdSeconds * 1000 + WINDOW_MS + 250;
  if (Date.now() < until) await sleep(until - Date.now());
  const extraMs = Date.now() - due;
  if (extraMs < 100) return;
  const reason = `the last heal completed ${spokenDuration(Math.max(0, lastHeal - due + spec.durationMs))} into the load`;
  ctx.note(LOAD_EXTENDED_NOTE, { extraMs, lastHealAt: lastHeal, reason });
  ctx.options.progress.done(`load ran ${spokenDuration(extraMs)} longer: ${reason}, and recovery after it needs a hold of ${spec.slos.recovery.holdSeconds} s`);
}

/** The rollback: load stopped, every fault healed, every link clean. */
export async function rollback(ctx: RunContext, env: StartedEnvironment, workload: WorkloadSet, timeline: Timeline): Promise<void> {
  ctx.phase('rollback', 'load stopped; healing every fault');
  await workload.stopLoad();
  await timeline.healAll();
  await timeline.settled();
  await env.network.healAll();
}

/** The processor and the consumer groups catch up (bounded by the experiment's drain), then stop. */
export async function drain(ctx: RunContext, workload: WorkloadSet): Promise<void> {
  const w = ctx.spec.workload;
  const drainMs = w.drainMs;
  const consumers = w.consumers?.length ?? 0;
  const who = [
    w.processor === undefined ? undefined : 'the processor',
    consumers === 0 ? undefined : consumers === 1 ? 'the consumer group' : 'the consumer groups',
  ];
  const named = who.filter((x) => x !== undefined);
  const verb = named.length === 1 && consumers <= 1 ? 'catches' : 'catch';
  ctx.phase('drain', named.length === 0 ? 'draining: nothing to drain' : `draining: ${named.join(' and ')} ${verb} up (at most ${formatDuration(drainMs)})`);
  await workload.drain();
}

export async function steadyStateAfter(ctx: RunContext, env: StartedEnvironment, workload: WorkloadSet): Promise<void> {
  ctx.phase('steady-state-after', 'checking the steady state after');
  await probes(ctx, env, ctx.spec.steadyState.after, BUDGET.settleMs, 'after');
  await workload.stopSampling();
}

/** Reads every judged output to its end through the observer, and scans the brokers' logs for unclean elections. */
export async function verify(ctx: RunContext, env: StartedEnvironment, workload: WorkloadSet): Promise<void> {
  const { plan, history, options } = ctx;
  ctx.phase('verify', `verifying ${plan.judged.map((j) => j.output).join(', ')} (read_committed, through the observer)`);
  for (const judged of plan.judged) {
    const from = workload.from.get(judged.output) ?? {};
    const read = await verifyTopic(judged.output, env.topology.observer, history, BUDGET.verifyMs, options.log, judged.idHeader, from);
    options.progress.done(
      `read ${read.records} records of ${judged.output}${read.complete ? ', to the end of every partition' : `; incomplete: ${read.error}`}`,
    );
  }
  await workload.stopWatching();
  for (const finding of await findUncleanElections(env.nodes().filter((n) => n.kind === 'broker'))) ctx.note(UNCLEAN_ELECTION_NOTE, { ...finding });
  const signal = interruptedBy();
  // the cluster was torn down under the checks: what they saw is no verdict
  if (signal !== undefined) throw new EnvironmentError(`interrupted by ${signal} before the verdict; the history so far is in ${history.file}`);
}

async function probes(
  ctx: RunContext,
  env: StartedEnvironment,
  names: readonly SteadyStateProbe[],
  withinMs: number,
  when: 'before' | 'after',
): Promise<ProbeResult[]> {
  // a managed cluster's brokers are the plan's; an external one's, those its metadata listed at startup
  const brokers = ctx.plan.environment.brokerIds ?? env.topology.brokers.map((b) => b.id);
  const results: ProbeResult[] = [];
  for (const name of names) {
    const r = await runProbe(name, env.observer, ctx.plan, brokers, withinMs);
    ctx.history.record({ type: 'event', kind: 'probe', time: Date.now(), name: `steady-state ${when}: ${name}`, detail: { pass: r.pass, message: r.message } });
    results.push(r);
  }
  return results;
}
