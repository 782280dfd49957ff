import { DeadlineError } from '../errors.js';
import { withTimeout } from './time.js';

/** How long `onPassed` may take before the deadline's rejection goes ahead without it. */
const ON_PASSED_MS = 10_000;
/** How long `teardown` may take after the deadline, when `teardownMs` does not say. */
export const TEARDOWN_AFTER_DEADLINE_MS = 90_000;

export interface DeadlineOptions {
  /** The deadline, in milliseconds from the call. */
  ms: number;
  /** What the body is doing now, in words: `draining: the processor catches up`. Asked when the deadline passes. */
  phase: () => string;
  /** Who has the deadline, for the message: `the run` (the default). */
  what?: string;
  /** Advice printed under the message. */
  hint?: string;
  /** Called once when the deadline passes, with the phase, before the rejection (e.g. to record it). Bounded; its errors are ignored. */
  onPassed?: (phase: string) => void | Promise<void>;
  /**
   * Undoes what the body acquired, on every exit: called once, after the body settled or was
   * abandoned, before the returned promise settles (`passed`: the deadline passed). After the
   * deadline it is bounded by `teardownMs`, and the DeadlineError goes ahead without it (it runs
   * on, unobserved), so the error surfaces at most ON_PASSED_MS + `teardownMs` after the
   * deadline, whatever the teardown waits on. Its errors are ignored: it reports its own.
   */
  teardown?: (passed: boolean) => Promise<unknown>;
  /** The bound on `teardown` after the deadline; TEARDOWN_AFTER_DEADLINE_MS when absent. */
  teardownMs?: number;
}

/**
 * Runs `body` against an overall deadline. When the body settles first, resolves or rejects as
 * it did. When the deadline passes first: aborts the signal the body was given, calls
 * `onPassed`, and rejects with a DeadlineError naming the deadline and the phase. Either way
 * `teardown` (when given) runs before it settles; bounded after the deadline.
 *
 * The body is not cancelled (an await deep inside it may never return): it may check the signal
 * to stop at its next step, and whatever it does after the deadline is ignored, its rejection
 * too. So the caller must tear down what the body acquired without the body's help (`teardown`,
 * e.g. running a Cleanup), and the process must not wait for the body.
 */
export async function runWithDeadline<T>(body: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const outcome = await settle(body, options);
  if (options.teardown !== undefined) {
    const teardown = Promise.resolve()
      .then(() => options.teardown?.(outcome.passed))
      .catch(() => undefined);
    if (outcome.passed) await within(teardown, options.teardownMs ?? TEARDOWN_AFTER_DEADLINE_MS);
    else await teardown;
  }
  if ('value' in outcome) return outcome.value;
  throw outcome.error;
}

type Outcome<T> = { passed: false; value: T } | { passed: boolean; error: unknown };

/** The body's outcome, or the DeadlineError once the deadline has passed (and `onPassed` has run, bounded). Never rejects. */
function settle<T>(body: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<Outcome<T>> {
  const controller = new AbortController();
  const running = Promise.resolve().then(() => body(controller.signal));
  return new Promise<Outcome<T>>((resolve) => {
    let over = false;
    // not unref'd: while the body hangs, this timer is what keeps the process alive to end it
    const timer = setTimeout(() => {
      over = true;
      const phase = options.phase();
      const error = new DeadlineError(options.what ?? 'the run', options.ms, phase, options.hint === undefined ? undefined : { hint: options.hint });
      controller.abort(error);
      const noted =
        options.onPassed === undefined
          ? Promise.resolve()
          : withTimeout(
              Promise.resolve().then(() => options.onPassed?.(phase)),
              ON_PASSED_MS,
              'noting the deadline',
            );
      void noted.catch(() => undefined).then(() => resolve({ passed: true, error }));
    }, options.ms);
    // once the deadline has passed, whatever the body does is ignored, its failure too
    running.then(
      (value) => {
        if (over) return;
        clearTimeout(timer);
        resolve({ passed: false, value });
      },
      (e: unknown) => {
        if (over) return;
        clearTimeout(timer);
        resolve({ passed: false, error: e });
      },
    );
  });
}

/** Waits for `promise` at most `ms` (it runs on, unobserved, when it takes longer); leaves no timer behind. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
