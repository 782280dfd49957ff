import { nativeClient } from '../cluster/librdkafka.js';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { judge, type Judgement } from '../check/judge.js';
import type { CheckCategory } from '../check/result.js';
import type { Plan } from '../history/plan.js';
import { HistoryRecorder, readHistory } from '../history/recorder.js';
import { DEADLINE_NOTE_PREFIX, INTERRUPTED_NOTE, type PhaseId } from '../history/types.js';
import type { Progress } from '../provision/progress.js';
import { writeRunReports } from '../report/write.js';
import type { ExperimentSpec } from '../schema/experiment.js';
import type { Runtime } from '../runtime/runtime.js';
import { Cleanup, interruptedBy, onExit } from '../util/cleanup-stack.js';
import { withTimeout } from '../util/time.js';
import { planExperiment } from './resolve-plan.js';

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
  /** The user confirmed faults against an external environment (`--yes`, or typed the environment's name). */
  confirmedExternal?: boolean;
}

/** Healing and teardown after the run; past this, the harness goes on without them (its watchdog removes what is left). */
const CLEANUP_MS = 300_000;
/**
 * After the deadline or an interruption, the teardown as a whole and each of its steps: the
 * environment is wound down (nodes killed, no restart waited for), so a few seconds suffice;
 * well within runWithDeadline's TEARDOWN_AFTER_DEADLINE_MS and the exit hooks' 90 s.
 */
const ABANDONED_CLEANUP_MS = 60_000;
const ABANDONED_STEP_MS = 20_000;

/**
 * What every phase of one run shares: the experiment and its plan, the History, the cleanup
 * stack, and where the run is. `phase()` records each phase as it begins; past the deadline it
 * stops the run there instead. `finish()` ends the run whatever happened: undoes everything on
 * the cleanup stack, closes the History, judges it and writes the reports, once.
 */
export class RunContext {
  readonly cleanup = new Cleanup();
  /** What the run is doing now, in words (for the deadline's message). */
  doing = 'preparing the run';
  /** Aborted when the run's deadline passes. */
  deadline: AbortSignal | undefined;
  private finishing: Promise<Judgement | undefined> | undefined;
  private readonly forget: () => void;

  private constructor(
    readonly spec: ExperimentSpec,
    readonly plan: Plan,
    readonly options: RunOptions,
    readonly history: HistoryRecorder,
  ) {
    this.forget = onExit(() => {
      const signal = interruptedBy();
      if (signal !== undefined) this.note(INTERRUPTED_NOTE, { signal });
      return this.finish();
    }, 'healing the faults and stopping the workload');
  }

  /** Resolves the plan, opens the History and records its first line. */
  static async open(spec: ExperimentSpec, options: RunOptions): Promise<RunContext> {
    await mkdir(options.outDir, { recursive: true });
    const native = nativeClient();
    const plan = planExperiment(spec, options.seed, {
      dryRun: options.dryRun === true,
      librdkafka: native.available ? { available: true } : { available: false, reason: native.reason },
    });
    const history = new HistoryRecorder(join(options.outDir, 'history.jsonl'));
    const ctx = new RunContext(spec, plan, options, history);
    history.record({
      type: 'run',
      time: Date.now(),
      name: spec.name,
      seed: options.seed,
      plan,
      command: options.command,
      version: options.version,
      ...(options.failOn === undefined ? {} : { failOn: [...options.failOn] }),
      files: await specFiles(spec),
    });
    return ctx;
  }

  /** Enters a phase: recorded, shown; past the deadline, stops the run here instead (it was abandoned already). */
  phase(phase: PhaseId, title: string): void {
    this.deadline?.throwIfAborted();
    this.doing = title;
    this.history.record({ type: 'event', kind: 'phase', time: Date.now(), name: title, detail: { phase } });
    this.options.progress.step(title);
  }

  note(name: string, detail: Record<string, unknown>, target?: string): void {
    this.history.record({ type: 'event', kind: 'note', time: Date.now(), name, ...(target === undefined ? {} : { target }), detail });
  }

  /** The deadline passed while `during`: noted in the History, which the verdict reads. */
  deadlinePassed(during: string, deadlineMs: number): void {
    this.options.log(`the deadline passed while ${during}; abandoning the run`);
    this.note(`${DEADLINE_NOTE_PREFIX}${during}`, { deadlineMs, phase: during });
  }

  /**
   * Puts an undo on the cleanup stack; past the deadline (the cleanup has begun without it: the
   * run acquired this late), undoes it at once instead and stops the run.
   */
  defer(label: string, undo: () => Promise<unknown> | unknown): void {
    if (this.deadline?.aborted === true) {
      void Promise.resolve()
        .then(undo)
        .catch(() => undefined);
      this.deadline.throwIfAborted();
    }
    this.cleanup.defer(label, undo);
  }

  /** Ends the run, once: teardown, History closed, judged from what was written, reports written. Never throws. */
  finish(): Promise<Judgement | undefined> {
    this.finishing ??= this.wrapUp();
    return this.finishing;
  }

  private async wrapUp(): Promise<Judgement | undefined> {
    const log = this.options.log;
    const abandoned = this.deadline?.aborted === true || interruptedBy() !== undefined;
    // never throws; each step bounded, and the whole: past its time, what is left is begun (SIGKILLs sent) and not awaited
    const errors = await this.cleanup.run(log, abandoned ? { stepMs: ABANDONED_STEP_MS, totalMs: ABANDONED_CLEANUP_MS } : { totalMs: CLEANUP_MS });
    for (const e of errors) log(e.message);
    log('cleanup: done');
    this.forget();
    try {
      await withTimeout(this.history.close(), 10_000, 'the history to be written');
      // record, then judge: the verdict comes from the History as written, as `streamchaos report` reads it
      const history = await readHistory(this.history.file);
      const judgement = judge(history, this.options.failOn === undefined ? {} : { failOn: this.options.failOn });
      await writeRunReports(this.options.outDir, judgement, history);
      return judgement;
    } catch (e) {
      log(`could not judge the run or write its reports: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
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
