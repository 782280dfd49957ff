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

/** The least time one try of a `waitFor` gets, however close its deadline: a probe started just before the deadline may still answer. */
const MIN_TRY_MS = 1000;
/** How long a timeout's hint may take (it reads log tails); without it the timeout is reported bare. */
const HINT_MS = 5000;

/**
 * Polls `probe` until it returns a value other than undefined/false, and resolves with it.
 * A probe that throws counts as "not yet"; the last error is attached to the timeout.
 * `abortIf` ends the wait early with its error.
 * Rejects with TimeoutError naming `what` and the limit when the deadline passes. The wait as a
 * whole is bounded too: a try (probe or abortIf) that has not settled by the deadline (but at
 * least MIN_TRY_MS after it began) is abandoned, so a hung probe cannot make the wait hang.
 * An abandoned probe keeps running in the background; its result is ignored.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  const tryMs = (): number => Math.max(MIN_TRY_MS, deadline - Date.now());
  let lastError: unknown;
  for (;;) {
    if (options.abortIf !== undefined) {
      // a check that hangs is no reason to give up: the deadline still applies
      const abort = await within(Promise.resolve().then(options.abortIf), tryMs());
      if (abort !== TIMED_OUT && abort !== undefined) throw abort;
    }
    try {
      const limit = tryMs();
      const value = await within(Promise.resolve().then(probe), limit);
      if (value === TIMED_OUT) throw new Error(`a try did not finish within ${limit} ms`);
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const read = options.hint === undefined ? undefined : await within(Promise.resolve().then(options.hint), HINT_MS).catch(() => undefined);
      const hint = read === TIMED_OUT ? undefined : read;
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new TimeoutError(`${options.what}${cause}`, options.timeoutMs, hint === undefined ? undefined : { hint });
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Races a promise against a deadline; rejects with TimeoutError naming `what` (in the user's
 * words: "timed out after 30000 ms waiting for <what>"). The promise itself is not cancelled:
 * it runs on, and its late result or rejection is ignored.
 */
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

const TIMED_OUT = Symbol('timed out');

/** The promise's outcome, or TIMED_OUT when it has not settled within `ms` (it runs on, unobserved). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
