/** How long one undo may take, by default, before the undos after it go ahead without it. */
export const CLEANUP_STEP_MS = 120_000;

export interface CleanupRunOptions {
  /**
   * How long one undo may take before the next begins without it (it runs on, unobserved, and
   * is reported as late): a hung undo must not keep the ones after it (the environment's
   * teardown, the History) from running. CLEANUP_STEP_MS when absent.
   */
  stepMs?: number;
  /**
   * How long the whole unwinding may take. Past it, every undo not yet begun is begun at once,
   * side by side, and not awaited (a SIGKILL is sent when its undo begins), and `run` returns.
   */
  totalMs?: number;
}

/**
 * A stack of things to undo, unwound in reverse order of acquisition. Every resource goes on
 * the stack the moment it is acquired. `run()` never throws: it attempts every undo and
 * returns the errors of those that failed or were late. Running it twice does nothing the
 * second time; a second call while the first unwinds waits for it.
 */
export class Cleanup {
  private readonly stack: { label: string; undo: () => Promise<unknown> | unknown }[] = [];
  private unwinding: Promise<Error[]> | undefined;

  defer(label: string, undo: () => Promise<unknown> | unknown): void {
    this.stack.push({ label, undo });
  }

  get size(): number {
    return this.stack.length;
  }

  /** Undoes everything, each undo bounded (see CleanupRunOptions); `log` hears each step as it starts (for the run's log). */
  async run(log?: (line: string) => void, options: CleanupRunOptions = {}): Promise<Error[]> {
    while (this.unwinding !== undefined) await this.unwinding.catch(() => undefined);
    const unwinding = this.unwind(log, options);
    this.unwinding = unwinding;
    try {
      return await unwinding;
    } finally {
      this.unwinding = undefined;
    }
  }

  private async unwind(log: ((line: string) => void) | undefined, options: CleanupRunOptions): Promise<Error[]> {
    const stepMs = options.stepMs ?? CLEANUP_STEP_MS;
    const endsAt = options.totalMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.totalMs;
    const errors: Error[] = [];
    for (let entry = this.stack.pop(); entry !== undefined; entry = this.stack.pop()) {
      const left = endsAt - Date.now();
      if (left <= 0) {
        this.stack.push(entry);
        errors.push(this.abandonRest(log, options.totalMs ?? 0));
        break;
      }
      log?.(`cleanup: ${entry.label}`);
      const outcome = await settleWithin(entry.undo, Math.min(stepMs, left));
      if (outcome === LATE)
        errors.push(new Error(`cleanup of ${entry.label} did not finish within ${Math.round(Math.min(stepMs, left))} ms; went on without it`));
      else if (outcome !== undefined)
        errors.push(new Error(`cleanup of ${entry.label} failed: ${outcome instanceof Error ? outcome.message : String(outcome)}`));
    }
    return errors;
  }

  /** Out of time: begins every undo left at once, awaits none of them. */
  private abandonRest(log: ((line: string) => void) | undefined, totalMs: number): Error {
    const labels: string[] = [];
    for (let entry = this.stack.pop(); entry !== undefined; entry = this.stack.pop()) {
      labels.push(entry.label);
      log?.(`cleanup: ${entry.label} (begun, not awaited: out of time)`);
      void settleWithin(entry.undo, 0);
    }
    return new Error(`cleanup ran out of its ${totalMs} ms: ${labels.join(', ')} begun and not awaited`);
  }
}

const LATE = Symbol('late');

/** Runs `undo`; resolves with undefined when it succeeded, its error when it failed, LATE when it is still running after `ms`. */
async function settleWithin(undo: () => Promise<unknown> | unknown, ms: number): Promise<unknown> {
  const done = Promise.resolve()
    .then(undo)
    .then(
      () => undefined,
      (e: unknown) => e ?? new Error('failed'),
    );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms);
  });
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Teardowns that must run when the harness is interrupted (SIGINT, SIGTERM) or crashes.
 * The CLI installs the signal handlers and calls `runExitHooks`; library code registers.
 */
const hooks = new Map<() => Promise<unknown>, string>();

/** How long one exit hook may take before the harness gives up on it and leaves the rest to its watchdog. */
export const EXIT_HOOK_TIMEOUT_MS = 90_000;

/**
 * Whether anything is registered to be torn down: false while a command has started nothing
 * (validate, plan, report, a run still reading its files), so an interruption then has nothing
 * to heal or stop and the command may end at once.
 */
export function hasExitHooks(): boolean {
  return hooks.size > 0 || interruption !== undefined;
}

export function onExit(teardown: () => Promise<unknown>, label = 'teardown'): () => void {
  hooks.set(teardown, label);
  return () => hooks.delete(teardown);
}

/**
 * Runs every hook at once and waits for them, each up to `timeoutMs`: a teardown that hangs
 * (an engine that stopped answering) must not keep an interrupted harness alive. What such a
 * hook did not stop, the watchdog removes once the harness has exited. Returns the labels of
 * the hooks that did not finish in time.
 */
export async function runExitHooks(timeoutMs = EXIT_HOOK_TIMEOUT_MS): Promise<string[]> {
  const pending = [...hooks];
  hooks.clear();
  const late: string[] = [];
  await Promise.all(
    pending.map(async ([hook, label]) => {
      if ((await settleWithin(hook, timeoutMs)) === LATE) late.push(label);
    }),
  );
  return late;
}

let interruption: { signal: NodeJS.Signals; done: Promise<string[]> } | undefined;

/**
 * The harness was told to stop (SIGINT, SIGTERM): runs the exit hooks once, and from now on
 * `interruptedBy` says so, so that a run that is still going gives no verdict from a cluster
 * that is being torn down. Resolves when every hook has run (or was given up on: their labels).
 */
export function interrupt(signal: NodeJS.Signals): Promise<string[]> {
  interruption ??= { signal, done: runExitHooks() };
  return interruption.done;
}

/** The signal that interrupted the harness, if one did. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return interruption?.signal;
}
