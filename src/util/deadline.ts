import { DeadlineError } from '../errors.js';
import { withTimeout } from './time.js';

/** How long `onPassed` may take before the deadline's rejection goes ahead without it. */
const ON_PASSED_MS = 10_000;

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
}

/**
 * Runs `body` against an overall deadline. When the body settles first, resolves or rejects as
 * it did. When the deadline passes first: aborts the signal the body was given, calls
 * `onPassed`, and rejects with a DeadlineError naming the deadline and the phase.
 *
 * The body is not cancelled (an await deep inside it may never return): it may check the signal
 * to stop at its next step, and whatever it does after the deadline is ignored, its rejection
 * too. So the caller must tear down what the body acquired without the body's help, e.g. with a
 * Cleanup run in a `finally` around this call, and the process must not wait for the body.
 */
export async function runWithDeadline<T>(body: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const controller = new AbortController();
  const running = Promise.resolve().then(() => body(controller.signal));
  return new Promise<T>((resolve, reject) => {
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
      void noted.catch(() => undefined).then(() => reject(error));
    }, options.ms);
    // once the deadline has passed, whatever the body does is ignored, its failure too
    running.then(
      (value) => {
        if (over) return;
        clearTimeout(timer);
        resolve(value);
      },
      (e: unknown) => {
        if (over) return;
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
