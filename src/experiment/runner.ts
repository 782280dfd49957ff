import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkExactlyOnce } from '../check/exactly-once.js';
import { faultEffects } from '../check/fault-effects.js';
import { checkAckedBelowMinIsr, checkNoUncleanElection, checkSingleController, measureOffline, UNCLEAN_ELECTION_NOTE } from '../check/invariants.js';
import { EnvironmentError } from '../errors.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { Progress } from '../provision/progress.js';
import type { Tools } from '../provision/setup.js';
import { Cleanup, onExit } from '../runtime/cleanup.js';
import type { Runtime, StartedEnvironment } from '../runtime/runtime.js';
import { formatDuration, type ExperimentSpec } from '../spec/experiment.js';
import { sleep } from '../util/time.js';
import { ProcessorGroup } from '../workload/processor-group.js';
import { LoadProducer } from '../workload/producer.js';
import { Random } from '../workload/random.js';
import { verifyTopic } from '../workload/verifier.js';
import { findUncleanElections } from './log-scan.js';
import { planExperiment } from './plan.js';
import { buildResult, type RunResult } from './result.js';
import { Sampler } from './sampler.js';
import { runProbe, type ProbeResult } from './steady-state.js';
import { Timeline } from './timeline.js';

export interface RunOptions {
  outDir: string;
  seed: number;
  runtime: Runtime;
  tools: Tools;
  progress: Progress;
  /** The command line that reproduces this run, for the report. */
  command: string;
  version: string;
  log: (line: string) => void;
}

const SETTLE_MS = 90_000;
const VERIFY_MS = 120_000;

/**
 * Runs one experiment end to end: environment up, steady state before, load with the fault
 * timeline, heal everything, steady state after, verify the output, check, write
 * history.jsonl and result.json. Whatever happens (error, Ctrl-C) faults are healed and the
 * environment is torn down; the History on disk stays checkable.
 * Throws EnvironmentError when the environment cannot start or the steady state does not hold
 * before any fault (nothing was tested); otherwise resolves with the result, pass or fail.
 */
export async function runExperiment(spec: ExperimentSpec, options: RunOptions): Promise<RunResult> {
  await mkdir(options.outDir, { recursive: true });
  const plan = planExperiment(spec, options.seed);
  const history = new HistoryRecorder(join(options.outDir, 'history.jsonl'));
  const cleanup = new Cleanup();
  const forget = onExit(() => cleanup.run());
  cleanup.defer('history', () => history.close());
  const phase = (name: string): void => {
    history.record({ type: 'event', kind: 'phase', time: Date.now(), name });
    options.progress.step(name);
  };
  history.record({ type: 'run', time: Date.now(), name: spec.name, seed: options.seed, plan, command: options.command, version: options.version });
  try {
    phase(`starting environment ${spec.environment.name}`);
    const env: StartedEnvironment = await options.runtime.up(spec.environment, {
      dir: join(options.outDir, 'environment'),
      tools: options.tools,
      progress: options.progress,
      log: options.log,
    });
    cleanup.defer('environment', () => env.down());

    phase('checking the steady state before');
    const before = await probes(spec, env, spec.steadyState.before, 30_000, 'before', history);
    const broken = before.filter((p) => !p.pass);
    if (broken.length > 0) {
      throw new EnvironmentError(`the steady state does not hold before any fault: ${broken.map((p) => `${p.probe}: ${p.message}`).join('; ')}`);
    }

    const topics = spec.environment.topics.map((t) => t.name);
    const minIsr = Object.fromEntries(spec.environment.topics.map((t) => [t.name, Number(t.config['min.insync.replicas'] ?? spec.environment.brokers.config['min.insync.replicas'] ?? 1)]));
    const sampler = new Sampler(env.observer, env.topology.brokers, history, topics, minIsr);
    sampler.start();
    cleanup.defer('sampler', () => sampler.stop());

    const random = new Random(options.seed);
    const producers = spec.workload.producers.flatMap((p) =>
      Array.from({ length: p.instances }, (_, i) => {
        const name = p.instances === 1 ? p.name : `${p.name}-${i + 1}`;
        const partitions = spec.environment.topics.find((t) => t.name === p.topic)?.partitions ?? 1;
        return new LoadProducer(name, p, partitions, env.topology.bootstrap, history, random.fork(name), options.log);
      }),
    );
    let processors: ProcessorGroup | undefined;
    if (spec.workload.processor !== undefined) {
      phase(`starting ${spec.workload.processor.instances} processor instances (${spec.workload.processor.mode})`);
      processors = new ProcessorGroup({
        spec: spec.workload.processor,
        outputPartitions: spec.environment.topics.find((t) => t.name === spec.workload.processor?.output)?.partitions ?? 1,
        bootstrap: env.topology.bootstrap, observer: env.topology.observer, dir: env.dir, history });
      cleanup.defer('processors', () => processors?.stop());
      await processors.start();
    }
    const timeline = new Timeline({
      faults: spec.timeline,
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
    cleanup.defer('faults', async () => {
      await timeline.healAll();
      await env.network.healAll();
    });

    phase(`load for ${formatDuration(spec.durationMs)} with ${spec.timeline.length} fault${spec.timeline.length === 1 ? '' : 's'}`);
    await Promise.all(producers.map((p) => p.start()));
    const t0 = Date.now();
    timeline.start(t0);
    await sleep(spec.durationMs);

    phase('load stopped; healing every fault');
    await Promise.all(producers.map((p) => p.stop()));
    await timeline.healAll();
    await timeline.settled();
    await env.network.healAll();

    if (processors !== undefined) {
      phase(`draining: the processor catches up (at most ${formatDuration(spec.workload.drainMs)})`);
      const lag = await processors.drain(spec.workload.drainMs);
      history.record({ type: 'event', kind: 'note', time: Date.now(), name: lag === 0 ? 'drained' : `not drained: lag ${lag}`, detail: { lag } });
      await processors.stop();
    }

    phase('checking the steady state after');
    const after = await probes(spec, env, spec.steadyState.after, SETTLE_MS, 'after', history);
    await sampler.stop();

    const output = spec.workload.processor?.output ?? spec.workload.producers[0]?.topic ?? '';
    const input = spec.workload.producers.find((p) => p.topic === (spec.workload.processor?.input ?? output))?.topic ?? output;
    phase(`verifying ${output} (read_committed, through the observer)`);
    const verified = await verifyTopic(output, env.topology.observer, history, VERIFY_MS, options.log, spec.workload.processor?.idHeader);
    options.progress.done(`read ${verified.records} records${verified.complete ? ', to the end of every partition' : `; incomplete: ${verified.error}`}`);

    const exactlyOnce = checkExactlyOnce(history.entries(), { inputTopic: input, outputTopic: output, orderedPerKey: spec.slos.orderedPerKey });
    for (const finding of await findUncleanElections(env.nodes().filter((n) => n.kind === 'broker'))) {
      history.record({ type: 'event', kind: 'note', time: Date.now(), name: UNCLEAN_ELECTION_NOTE, detail: { ...finding } });
    }
    const entries = history.entries();
    const invariants = [checkNoUncleanElection(entries), checkSingleController(entries), checkAckedBelowMinIsr(entries), measureOffline(entries)];
    const result = buildResult({ spec, plan, seed: options.seed, before, after, exactlyOnce, invariants, effects: faultEffects(entries), faults: timeline.results(), producers, startedAt: t0, command: options.command });
    await writeFile(join(options.outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    const errors = await cleanup.run();
    forget();
    for (const e of errors) options.log(e.message);
  }
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
    const r = await runProbe(name, env.observer, spec.environment, withinMs);
    history.record({ type: 'event', kind: 'probe', time: Date.now(), name: `steady-state ${when}: ${name}`, detail: { pass: r.pass, message: r.message } });
    results.push(r);
  }
  return results;
}
