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
const hooks = new Set<() => Promise<unknown>>();

export function onExit(teardown: () => Promise<unknown>): () => void {
  hooks.add(teardown);
  return () => hooks.delete(teardown);
}

export async function runExitHooks(): Promise<void> {
  const pending = [...hooks];
  hooks.clear();
  await Promise.allSettled(pending.map((h) => h()));
}

let interruption: { signal: NodeJS.Signals; done: Promise<void> } | undefined;

/**
 * The harness was told to stop (SIGINT, SIGTERM): runs the exit hooks once, and from now on
 * `interruptedBy` says so, so that a run that is still going gives no verdict from a cluster
 * that is being torn down. Resolves when every hook has run.
 */
export function interrupt(signal: NodeJS.Signals): Promise<void> {
  interruption ??= { signal, done: runExitHooks() };
  return interruption.done;
}

/** The signal that interrupted the harness, if one did. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return interruption?.signal;
}
