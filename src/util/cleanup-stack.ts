/**
 * A stack of things to undo, unwound in reverse order of acquisition. Every resource goes on
 * the stack the moment it is acquired. `run()` never throws: it attempts every undo and
 * returns the errors of those that failed. Running it twice does nothing the second time.
 */
export class Cleanup {
  private readonly stack: { label: string; undo: () => Promise<unknown> | unknown }[] = [];

  defer(label: string, undo: () => Promise<unknown> | unknown): void {
    this.stack.push({ label, undo });
  }

  get size(): number {
    return this.stack.length;
  }

  /** Undoes everything; `log` hears each step as it starts (for the run's log). */
  async run(log?: (line: string) => void): Promise<Error[]> {
    const errors: Error[] = [];
    for (let entry = this.stack.pop(); entry !== undefined; entry = this.stack.pop()) {
      try {
        log?.(`cleanup: ${entry.label}`);
        await entry.undo();
      } catch (e) {
        errors.push(new Error(`cleanup of ${entry.label} failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
    return errors;
  }
}

/**
 * Teardowns that must run when the harness is interrupted (SIGINT, SIGTERM) or crashes.
 * The CLI installs the signal handlers and calls `runExitHooks`; library code registers.
 */
const hooks = new Map<() => Promise<unknown>, string>();

/** How long one exit hook may take before the harness gives up on it and leaves the rest to its watchdog. */
export const EXIT_HOOK_TIMEOUT_MS = 90_000;

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
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      const outcome = await Promise.race([
        hook().then(
          () => 'done' as const,
          () => 'done' as const,
        ),
        expired,
      ]);
      clearTimeout(timer);
      if (outcome === 'late') late.push(label);
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
