import { TimeoutError } from '../errors.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** What we are waiting for, in words; it becomes the timeout message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Extra text for the timeout error, e.g. the tail of a log; called only on timeout. */
  hint?: () => string | Promise<string>;
  /** Checked before every try: an error returned here ends the wait at once, rejected with it (e.g. "the broker exited"). */
  abortIf?: () => Error | undefined | Promise<Error | undefined>;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, and resolves with it.
 * A probe that throws counts as "not yet"; the last error is attached to the timeout.
 * `abortIf` ends the wait early with its error.
 * Rejects with TimeoutError naming `what` and the limit when the deadline passes.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  let lastError: unknown;
  for (;;) {
    const abort = await options.abortIf?.();
    if (abort !== undefined) throw abort;
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const hint = options.hint === undefined ? undefined : await options.hint();
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new TimeoutError(`${options.what}${cause}`, options.timeoutMs, hint === undefined ? undefined : { hint });
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

/** Races a promise against a deadline; rejects with TimeoutError naming `what`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
