/**
 * Names that people read — a producer's, a consumer's, a consumer group's, a fault's — shown
 * in terminals, logs and reports: one line of visible text. A name holding a line break, a
 * terminal escape or a direction override could forge or hide output wherever it is printed,
 * so it is refused at its line (its refusal shows it escaped).
 */
import { z } from 'zod';
import { hasUnsafeCharacters, printable } from '../util/printable.js';
import { expected } from './fields.js';

/** The longest name accepted: longer is no name, and it would fill the terminal. */
export const MAX_NAME_LENGTH = 200;

/** A display name: not empty (`emptyMessage` says so), no control or invisible characters, at most MAX_NAME_LENGTH characters. */
export function displayName(what: string, emptyMessage = `expected ${what}, received an empty string`) {
  return z.string({ error: expected(what) }).superRefine((name, ctx) => {
    const problem = nameProblem(name, what, emptyMessage);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

function nameProblem(name: string, what: string, emptyMessage: string): string | undefined {
  if (name.trim() === '') return emptyMessage;
  if (hasUnsafeCharacters(name)) {
    return `'${printable(name, 60)}' holds a line break, a control character or an invisible or direction-changing character; ${what} is shown in terminals and reports, so write it in visible characters only`;
  }
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) return `${what} of ${length} characters; at most ${MAX_NAME_LENGTH} are allowed`;
  return undefined;
}
