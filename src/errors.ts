/**
 * The error taxonomy of streamchaos, and the exit code (exit-code.ts) each kind maps to.
 *
 * Errors of these classes are shown to the user as their message alone, never as a
 * stack trace. Anything else that escapes is a bug in streamchaos and is shown in full.
 */

import { ExitCode } from './exit-code.js';

export { ExitCode } from './exit-code.js';

/** Base class of every error meant for the user's eyes. */
export abstract class StreamchaosError extends Error {
  abstract readonly exitCode: ExitCode;
  /** Optional advice printed under the message: what to do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** One problem in an input file, located as precisely as we can. */
export interface InputIssue {
  file: string;
  line?: number;
  column?: number;
  /** Field path in the document, e.g. `topics[0].replicationFactor`. */
  path: string;
  message: string;
}

/**
 * `file:line:column: path: message`. The schema builds every issue with its text escaped
 * (schema/issues.ts, inputIssue), so it stays on one line whatever the file held.
 */
export function formatIssue(issue: InputIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/** The most problems an InvalidInputError lists; the rest are counted. */
export const MAX_LISTED_ISSUES = 40;

/** Bad input: a file that does not parse or validate, a flag that makes no sense. Exit 2. */
export class UsageError extends StreamchaosError {
  readonly exitCode = ExitCode.usage;
}

/** An input file with one or more problems; every problem is listed, not just the first. */
export class InvalidInputError extends UsageError {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    const noun = issues.length === 1 ? 'problem' : 'problems';
    const files = [...new Set(issues.map((i) => i.file))].join(', ');
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `  ${formatIssue(i)}`);
    const more = issues.length - listed.length;
    if (more > 0) listed.push(`  … and ${more} more ${more === 1 ? 'problem' : 'problems'} (fix these first)`);
    super(`${files} has ${issues.length} ${noun}:\n${listed.join('\n')}`);
    this.issues = issues;
  }
}

/** Something the harness needs is missing or could not be installed (Java, Maven, Go, a download). Exit 3. */
export class ProvisionError extends StreamchaosError {
  readonly exitCode = ExitCode.environment;
}

/** The environment could not be started, or broke outside the experiment's faults. Exit 3. */
export class EnvironmentError extends StreamchaosError {
  readonly exitCode = ExitCode.environment;
}

/** A bounded wait ran out. Names what it waited for and for how long. Exit 3. */
export class TimeoutError extends EnvironmentError {
  constructor(what: string, timeoutMs: number, options?: { hint?: string; cause?: unknown }) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`, options);
  }
}

/**
 * A whole run (or another long task) passed its overall deadline while in `phase`. Exit 3:
 * something waited far longer than it should on a healthy machine, or hung.
 */
export class DeadlineError extends EnvironmentError {
  readonly deadlineMs: number;
  readonly phase: string;

  constructor(what: string, deadlineMs: number, phase: string, options?: { hint?: string; cause?: unknown }) {
    super(`${what} passed its deadline of ${spokenDuration(deadlineMs)} while ${phase}`, options);
    this.deadlineMs = deadlineMs;
    this.phase = phase;
  }
}

/** `390000` → `6m 30s`, `1500` → `1.5s`, `3600000` → `1h`: a duration for a sentence. */
export function spokenDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const seconds = Math.round(ms / 1000);
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

export function isStreamchaosError(e: unknown): e is StreamchaosError {
  return e instanceof StreamchaosError;
}
