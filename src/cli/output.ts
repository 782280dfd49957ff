import { Chalk, type ChalkInstance } from 'chalk';
import { isStreamchaosError, type StreamchaosError } from '../errors.js';
import { ExitCode } from '../exit-code.js';
import type { Progress } from '../provision/progress.js';
import { printable, printableLines } from '../util/printable.js';

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourEnabled(stream: NodeJS.WriteStream = process.stderr): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export const c: ChalkInstance = new Chalk({ level: colourEnabled() ? 1 : 0 });

/** Writes progress to stderr: one updating line on a terminal, plain lines (no detail) in a CI log. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let transient = false;
  const clear = (): void => {
    if (transient) stream.write('\r\x1b[2K');
    transient = false;
  };
  return {
    step(message) {
      clear();
      stream.write(`${c.cyan('›')} ${printable(message, 500)}\n`);
    },
    detail(message) {
      if (!tty) return;
      clear();
      const width = (stream.columns ?? 100) - 4;
      const shown = printable(message, 500);
      stream.write(c.dim(`  ${shown.length > width ? `${shown.slice(0, width - 1)}…` : shown}`));
      transient = true;
    },
    done(message) {
      clear();
      stream.write(`${c.green('✓')} ${printable(message, 500)}\n`);
    },
  };
}

/**
 * Prints an error for the user: our own errors as message and hint, anything else in full.
 * Every line is made printable: what a message quotes of a file was escaped where it went in
 * (so it cannot break the line), and nothing that slipped through can act on the terminal.
 */
export function printError(e: unknown): ExitCode {
  if (isStreamchaosError(e)) {
    printUserError(e);
    return e.exitCode;
  }
  process.stderr.write(`${c.red('streamchaos crashed; this is a bug, please report it with the text below')}\n`);
  process.stderr.write(`${printableLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
  return ExitCode.environment;
}

function printUserError(e: StreamchaosError): void {
  process.stderr.write(`${c.red('error:')} ${printableLines(e.message)}\n`);
  if (e.hint !== undefined) process.stderr.write(`${c.yellow('hint:')} ${printableLines(e.hint)}\n`);
}
