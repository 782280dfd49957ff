import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkExactlyOnce } from '../check/exactly-once/checker.js';
import { faultEffects } from '../check/fault-effects.js';
import { checkAckedBelowMinIsr, checkNoUncleanElection, checkSingleController, measureOffline, UNCLEAN_ELECTION_NOTE } from '../check/invariants.js';
import { measure } from '../check/measure.js';
import type { CheckCategory, RunResult } from '../check/result.js';
import { LagReader, waitForCaughtUp } from '../cluster/lag.js';
import { EnvironmentError, spokenDuration, UsageError } from '../errors.js';
import { HistoryRecorder } from '../history/recorder.js';
import { DRY_RUN_NOTE, ENVIRONMENT_UP, LOAD_EXTENDED_NOTE } from '../history/types.js';
import { WINDOW_MS } from '../check/ack-series.js';
import type { Progress } from '../provision/progress.js';
import { Cleanup, interruptedBy, onExit } from '../util/cleanup-stack.js';
import type { Runtime, StartedEnvironment } from '../runtime/runtime.js';
import { environmentBrokerIds } from '../schema/environment.js';
import { formatDuration, type ExperimentSpec } from '../schema/experiment.js';
import { runWithDeadline } from '../util/deadline.js';
import { sleep, withTimeout } from '../util/time.js';
import { ConsumerGroupLoad } from '../workload/consumer.js';
import { ProcessorGroup, processorGroupId } from '../workload/processor-group.js';
import { LoadProducer } from '../workload/producer.js';
import { Random } from '../util/random.js';
import { verifyTopic } from '../workload/verifier.js';
import { Watcher } from '../workload/watcher.js';
import { BUDGET, defaultDeadlineMs } from './budget.js';
import { liveProgress } from './live-progress.js';
import { findUncleanElections } from './log-scan.js';
import { planExperiment } from './resolve-plan.js';
import { writePartialReports, writeReports } from './reports.js';
import { buildResult } from './result.js';
import { Sampler } from './sampler.js';
import { runProbe, type ProbeResult } from './steady-state.js';
import { Timeline } from './timeline.js';

export interface RunOptions {
  outDir: string;
  seed: number;
  runtime: Runtime;
  progress: Progress;
  /** The command line that reproduces this run, for the report. */
  command: string;
  version: string;
  log: (line: string) => void;
  /** Which kinds of check fail the run (`--fail-on`); all when undefined. */
  failOn?: readonly CheckCategory[];
  /** The run's overall deadline (`--deadline`), from when it starts; `defaultDeadlineMs` when undefined. */
  deadlineMs?: number;
  /** `--dry-run`: the workload and every check run, and no fault is injected (the report says so). */
  dryRun?: boolean;
  /**
   * The user confirmed faults against an external environment (`--yes`, or typed the environment's
   * name). Without it, a run against an external environment that is not a dry run is refused
   * before anything is touched.
   */
  confirmedExternal?: boolean;
}

/** Healing and teardown after the run; past this, the harness exits anyway (its processes die with it). */
const CLEANUP_MS = 300_000;

/**
 * Runs one experiment end to end: environment up, steady state before, load with the fault
 * timeline, heal everything, steady state after, verify the output, check, write
 * history.jsonl and result.json. Whatever happens (error, Ctrl-C) faults are healed and the
 * environment is torn down; the History on disk stays checkable.
 * Throws EnvironmentError when the environment cannot start or the steady state does not hold
 * before any fault (nothing was tested); otherwise resolves with the result, pass or fail.
 *
 * The run has an overall deadline (`options.deadlineMs`, else `defaultDeadlineMs`). When it
 * passes, whatever the run was waiting for is abandoned: a `deadline passed while <phase>` note
 * goes into the History, faults are healed and everything torn down as on any other exit, the
 * reports are written from what the History holds, and it throws a DeadlineError (exit 3)
 * naming the deadline and the phase.
 */
export async function runExperiment(spec: ExperimentSpec, options: RunOptions): Promise<RunResult> {
  const dryRun = options.dryRun === true;
  if (spec.environment.runtime === 'external' && !dryRun && options.confirmedExternal !== true) {
    throw new UsageError(`refusing to inject faults into external environment ${spec.environment.name} without confirmation`, {
      hint: 'confirm with --yes (or interactively), or run the workload and checks with no fault with --dry-run',
    });
  }
  await mkdir(options.outDir, { recursive: true });
  const plan = planExperiment(spec, options.seed, { dryRun });
  const history = new HistoryRecorder(join(options.outDir, 'history.jsonl'));
  const cleanup = new Cleanup();
  const forget = onExit(() => cleanup.run(), 'healing the faults and stopping the workload');
  cleanup.defer('history', () => history.close());
  const deadlineMs = options.deadlineMs ?? defaultDeadlineMs(spec, options.runtime.name);
  let doing = 'preparing the run';
  let deadline: AbortSignal | undefined;
  /** Enters a phase; past the deadline, stops the run here instead (it was abandoned already). */
  const phase = (name: string): void => {
    deadline?.throwIfAborted();
    doing = name;
    history.record({ type: 'event', kind: 'phase', time: Date.now(), name });
    options.progress.step(name);
  };
  history.record({
    type: 'run',
    time: Date.now(),
    name: spec.name,
    seed: options.seed,
    plan,
    command: options.command,
    version: options.version,
    files: await specFiles(spec),
  });
  options.log(`deadline: ${spokenDuration(deadlineMs)}`);
  /**
   * Puts an undo on the cleanup stack; past the deadline (the cleanup has begun without it: the
   * run acquired this late), undoes it at once instead and stops the run.
   */
  const defer = (label: string, undo: () => Promise<unknown> | unknown): void => {
    if (deadline?.aborted === true) {
      void Promise.resolve()
        .then(undo)
        .catch(() => undefined);
      deadline.throwIfAborted();
    }
    cleanup.defer(label, undo);
  };
  let passed = false;
  const body = async (): Promise<RunResult> => {
    phase(`starting environment ${spec.environment.name}`);
    const env: StartedEnvironment = await options.runtime.up(spec.environment, {
      dir: join(options.outDir, 'environment'),
      progress: options.progress,
      log: options.log,
      owner: basename(options.outDir),
    });
    defer('environment', () => env.down());
    history.record({ type: 'event', kind: 'note', time: Date.now(), name: ENVIRONMENT_UP, detail: { runtime: env.runtime, ...env.images } });

    phase('checking the steady state before');
    const before = await probes(spec, env, spec.steadyState.before, BUDGET.probeBeforeMs, 'before', history);
    const broken = before.filter((p) => !p.pass);
    if (broken.length > 0) {
      throw new EnvironmentError(`the steady state does not hold before any fault: ${broken.map((p) => `${p.probe}: ${p.message}`).join('; ')}`);
    }

    const topics = spec.environment.topics.map((t) => t.name);
    const minIsr = Object.fromEntries(
      spec.environment.topics.map((t) => [
        t.name,
        Number(
          t.config['min.insync.replicas'] ??
            (spec.environment.runtime === 'external' ? undefined : spec.environment.brokers.config['min.insync.replicas']) ??
            1,
        ),
      ]),
    );
    let processors: ProcessorGroup | undefined;
    const groups = [
      ...(spec.workload.processor === undefined ? [] : [{ group: processorGroupId(spec.workload.processor.input), topic: spec.workload.processor.input }]),
      ...(spec.workload.consumers ?? []).map((c) => ({ group: c.group, topic: c.topic })),
    ];
    const sampler = new Sampler({
      observer: env.observer,
      brokers: env.topology.brokers,
      observerBootstrap: env.topology.observer,
      history,
      topics,
      minIsr,
      groups,
      ...(spec.workload.processor === undefined ? {} : { processorsAlive: () => processors?.alive().length ?? 0 }),
    });
    sampler.start();
    defer('sampler', () => sampler.stop());

    const random = new Random(options.seed);
    const producers = spec.workload.producers.flatMap((p) =>
      Array.from({ length: p.instances }, (_, i) => {
        const name = p.instances === 1 ? p.name : `${p.name}-${i + 1}`;
        const partitions = spec.environment.topics.find((t) => t.name === p.topic)?.partitions ?? 1;
        const processor = spec.workload.processor;
        const alsoIdHeader = processor !== undefined && processor.input === p.topic ? processor.idHeader : undefined;
        return new LoadProducer(name, p, partitions, env.topology.bootstrap, history, random.fork(name), options.log, alsoIdHeader);
      }),
    );
    if (spec.workload.processor !== undefined) {
      phase(`starting ${spec.workload.processor.instances} processor instances (${spec.workload.processor.mode})`);
      processors = new ProcessorGroup({
        spec: spec.workload.processor,
        outputPartitions: spec.environment.topics.find((t) => t.name === spec.workload.processor?.output)?.partitions ?? 1,
        bootstrap: env.topology.bootstrap,
        observer: env.topology.observer,
        dir: env.dir,
        history,
        launch: env.startProcessor,
      });
      defer('processors', () => processors?.stop());
      await processors.start();
    }
    const consumers = (spec.workload.consumers ?? []).map((c) => new ConsumerGroupLoad(c, env.topology.bootstrap, options.log));
    defer('consumers', () => Promise.all(consumers.map((c) => c.stop())));
    await Promise.all(consumers.map((c) => c.start()));
    const output = spec.workload.processor?.output ?? spec.workload.producers[0]?.topic ?? '';
    // an external environment's topics outlive runs: this run's output starts at today's end offsets
    const from = spec.environment.runtime === 'external' ? await env.observer.endOffsets(output) : {};
    if (Object.keys(from).length > 0)
      history.record({ type: 'event', kind: 'note', time: Date.now(), name: `${output} read from this run's start offsets`, detail: { from } });
    const watcher = new Watcher(output, env.observer, env.topology.brokers, history, options.log, spec.workload.processor?.idHeader);
    defer('watcher', () => watcher.stop());
    await watcher.start(from);
    if (dryRun) {
      history.record({ type: 'event', kind: 'note', time: Date.now(), name: DRY_RUN_NOTE, detail: { skipped: spec.timeline.map((f) => f.name) } });
      options.progress.done(`dry run: the ${spec.timeline.length === 1 ? 'fault' : `${spec.timeline.length} faults`} of the timeline will not be injected`);
    }
    const timeline = new Timeline({
      faults: dryRun ? [] : spec.timeline,
      seed: options.seed,
      history,
      context: (faultRandomStream) => ({
        env,
        ...(processors === undefined ? {} : { processors }),
        network: env.network,
        topology: env.topology,
        observer: env.observer,
        history,
        random: faultRandomStream,
        log: options.log,
      }),
    });
    defer('faults', async () => {
      // past here the environment is torn down: a killed node is left to the teardown, not restarted first
      env.windDown();
      await timeline.healAll({ tearingDown: true });
      await env.network.healAll();
    });

    phase(
      `running load for ${formatDuration(spec.durationMs)} with ${dryRun ? 'no fault (dry run)' : `${spec.timeline.length} fault${spec.timeline.length === 1 ? '' : 's'}`}`,
    );
    // on an early exit, stop offering load at once (not waiting: healing comes first); sends in flight end on their own
    defer('producers', () => void Promise.all(producers.map((p) => p.stop())).catch(() => undefined));
    await Promise.all(producers.map((p) => p.start()));
    const t0 = Date.now();
    history.record({ type: 'event', kind: 'load', time: t0, name: 'start' });
    timeline.start(t0);
    const ticker = liveProgress(history, spec, t0, options.progress);
    defer('progress', () => clearInterval(ticker));
    await sleep(spec.durationMs);
    await keepLoadThroughHeals(timeline, spec, history, options.progress);
    clearInterval(ticker);

    history.record({ type: 'event', kind: 'load', time: Date.now(), name: 'stop' });
    phase('load stopped; healing every fault');
    await withTimeout(Promise.all(producers.map((p) => p.stop())), BUDGET.stopAndHealMs, 'the load generators to stop (their sends in flight to end)');
    await timeline.healAll();
    await timeline.settled();
    await env.network.healAll();

    if (processors !== undefined) {
      phase(`draining: the processor catches up (at most ${formatDuration(spec.workload.drainMs)})`);
      const lag = await processors.drain(spec.workload.drainMs);
      history.record({ type: 'event', kind: 'note', time: Date.now(), name: lag === 0 ? 'drained' : `not drained: lag ${lag}`, detail: { lag } });
      await processors.stop();
    }
    if (consumers.length > 0) {
      phase(
        `draining: ${consumers.length === 1 ? 'the consumer group catches' : 'the consumer groups catch'} up (at most ${formatDuration(spec.workload.drainMs)})`,
      );
      await drainGroups(
        consumers.map((c) => c.spec),
        env.topology.observer,
        spec.workload.drainMs,
        history,
      );
      await Promise.all(consumers.map((c) => c.stop()));
    }

    phase('checking the steady state after');
    const after = await probes(spec, env, spec.steadyState.after, BUDGET.settleMs, 'after', history);
    await sampler.stop();

    const input = spec.workload.producers.find((p) => p.topic === (spec.workload.processor?.input ?? output))?.topic ?? output;
    phase(`verifying ${output} (read_committed, through the observer)`);
    const verified = await verifyTopic(output, env.topology.observer, history, BUDGET.verifyMs, options.log, spec.workload.processor?.idHeader, from);
    options.progress.done(`read ${verified.records} records${verified.complete ? ', to the end of every partition' : `; incomplete: ${verified.error}`}`);
    await watcher.stop(); // it tailed the output all along; by now it has seen what the verifier read

    const exactlyOnce = checkExactlyOnce(history.entries(), { inputTopic: input, outputTopic: output, orderedPerKey: spec.slos.orderedPerKey });
    for (const finding of await findUncleanElections(env.nodes().filter((n) => n.kind === 'broker'))) {
      history.record({ type: 'event', kind: 'note', time: Date.now(), name: UNCLEAN_ELECTION_NOTE, detail: { ...finding } });
    }
    const entries = history.entries();
    const invariants = [checkNoUncleanElection(entries), checkSingleController(entries), checkAckedBelowMinIsr(entries), measureOffline(entries)];
    const measurements = measure(entries, spec.slos.recovery);
    const signal = interruptedBy();
    if (signal !== undefined) {
      // the cluster was torn down under the checks: what they saw is no verdict
      throw new EnvironmentError(`interrupted by ${signal} before the verdict; the history so far is in ${join(options.outDir, 'history.jsonl')}`);
    }
    const result = buildResult({
      spec,
      plan,
      seed: options.seed,
      before,
      after,
      exactlyOnce,
      invariants,
      effects: faultEffects(entries),
      faults: timeline.results(),
      producers,
      startedAt: t0,
      command: options.command,
      measurements,
      ...(options.failOn === undefined ? {} : { failOn: options.failOn }),
    });
    await writeReports(options.outDir, result, measurements, entries);
    return result;
  };
  try {
    return await runWithDeadline(
      (signal) => {
        deadline = signal;
        return body();
      },
      {
        ms: deadlineMs,
        phase: () => doing,
        hint: `every fault was healed and the environment torn down; what was recorded is in ${options.outDir} (history.jsonl, report.html). Give the run more time with --deadline`,
        onPassed: (during) => {
          passed = true;
          options.log(`the deadline of ${spokenDuration(deadlineMs)} passed while ${during}; abandoning the run`);
          history.record({ type: 'event', kind: 'note', time: Date.now(), name: `deadline passed while ${during}`, detail: { deadlineMs, phase: during } });
        },
      },
    );
  } finally {
    const errors = await withTimeout(cleanup.run(options.log), CLEANUP_MS, 'healing every fault and tearing the environment down').catch((e: unknown) => [
      e as Error,
    ]);
    await withTimeout(history.close(), 10_000, 'the history to be written').catch((e: unknown) => errors.push(e as Error));
    options.log('cleanup: done');
    forget();
    for (const e of errors) options.log(e.message);
    if (passed) await writePartialReports(options.outDir, history.entries(), spec, options.log);
  }
}

/**
 * A heal takes time (a killed broker's restart: 10-20 s on a busy 2-core machine), and recovery
 * after it can only be judged while load runs: when the load's time is up with a heal still in
 * progress, or completed less than a recovery hold ago, the load goes on (bounded) until the
 * last heal has completed and a hold has passed. The History says by how much and why.
 */
async function keepLoadThroughHeals(timeline: Timeline, spec: ExperimentSpec, history: HistoryRecorder, progress: Progress): Promise<void> {
  const due = Date.now();
  const lastHeal = await timeline.healsInProgress(BUDGET.healTailMs);
  if (lastHeal === undefined) return;
  const until = lastHeal + spec.slos.recovery.holdSeconds * 1000 + WINDOW_MS + 250;
  if (Date.now() < until) await sleep(until - Date.now());
  const extraMs = Date.now() - due;
  if (extraMs < 100) return;
  const reason = `the last heal completed ${spokenDuration(Math.max(0, lastHeal - due + spec.durationMs))} into the load`;
  history.record({ type: 'event', kind: 'note', time: Date.now(), name: LOAD_EXTENDED_NOTE, detail: { extraMs, lastHealAt: lastHeal, reason } });
  progress.done(`load ran ${spokenDuration(extraMs)} longer: ${reason}, and recovery after it needs a hold of ${spec.slos.recovery.holdSeconds} s`);
}

async function probes(
  spec: ExperimentSpec,
  env: StartedEnvironment,
  names: readonly ExperimentSpec['steadyState']['before'][number][],
  withinMs: number,
  when: 'before' | 'after',
  history: HistoryRecorder,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const name of names) {
    // an external cluster's brokers are the ones its metadata listed at startup; a managed one's are 1..count
    const brokers = spec.environment.runtime === 'external' ? env.topology.brokers.map((b) => b.id) : environmentBrokerIds(spec.environment);
    const r = await runProbe(name, env.observer, spec.environment, brokers, withinMs);
    history.record({ type: 'event', kind: 'probe', time: Date.now(), name: `steady-state ${when}: ${name}`, detail: { pass: r.pass, message: r.message } });
    results.push(r);
  }
  return results;
}

/** The experiment file and the environment file it names, as they are now (for the report). */
async function specFiles(spec: ExperimentSpec): Promise<{ name: string; text: string }[]> {
  const files: { name: string; text: string }[] = [];
  for (const file of [spec.file, spec.environmentFile]) {
    if (file === undefined) continue;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) files.push({ name: file, text });
  }
  return files;
}

/** Waits (bounded) until every consumer group has committed to the end of its topic; notes the lag left. */
async function drainGroups(groups: readonly { group: string; topic: string }[], observer: string, timeoutMs: number, history: HistoryRecorder): Promise<void> {
  const reader = new LagReader(observer, 5000, 'streamchaos-drain');
  try {
    for (const g of groups) {
      const lag = await waitForCaughtUp(reader, g.group, g.topic, timeoutMs);
      history.record({
        type: 'event',
        kind: 'note',
        time: Date.now(),
        name: lag === 0 ? `${g.group} drained` : `${g.group} not drained: lag ${lag}`,
        detail: { lag },
      });
    }
  } finally {
    await reader.close();
  }
}
