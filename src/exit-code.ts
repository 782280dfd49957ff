/**
 * Every exit status streamchaos and its helper programs end with, in one place. The CLI ends
 * through `exitWith` once, with the code its command resolved to; the helper programs
 * (processor, watchdog, environment supervisor) end through it too.
 *
 *   0    every check held (or the command did what it was asked)
 *   1    a check failed (a violation or a missed SLO), or the verdict is unknown (the evidence
 *        was not enough to judge: never a pass); for a helper program, it failed
 *   2    bad input or usage: the user can fix it by editing a file or a flag
 *   3    the environment could not be started, broke outside the experiment's own faults, or a
 *        deadline passed
 *   130  interrupted by SIGINT (Ctrl-C): every fault healed, everything stopped, no verdict
 *   143  interrupted by SIGTERM: the same
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  environment: 3,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit status of a verdict: only a pass is 0. */
export function exitCodeOfVerdict(verdict: 'pass' | 'fail' | 'unknown'): ExitCode {
  return verdict === 'pass' ? ExitCode.ok : ExitCode.failed;
}

/** The exit status of a run interrupted by a signal (128 + its number, as shells report it). */
export function exitCodeOfSignal(signal: NodeJS.Signals): ExitCode {
  return signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
}

/** The one way out of a streamchaos process. */
export function exitWith(code: ExitCode): never {
  process.exit(code);
}

/** The exit codes in a sentence, for `--help`. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok · 1 a check failed or the verdict is unknown · 2 bad input or usage · 3 the environment could not start or broke, or a deadline passed · 130 interrupted (SIGINT) · 143 terminated (SIGTERM).';
