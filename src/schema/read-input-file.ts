/**
 * Reading spec files from disk, with the error a user can act on when that fails, and the
 * default name a spec takes from its file.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * The text of `file`. Throws UsageError naming the path when it cannot be read (missing, a
 * directory, no permission); `noun` says what kind of file was expected ("environment file").
 */
export async function readSpecFile(file: string, noun: string, hint: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error, noun, hint);
  }
}

function unreadable(file: string, error: unknown, noun: string, hint: string): UsageError {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'ENOENT':
      return new UsageError(`${noun} not found: ${file}`, { hint, cause: error });
    case 'EISDIR':
      return new UsageError(`${file} is a directory, not an ${noun}`, { hint, cause: error });
    case 'EACCES':
    case 'EPERM':
      return new UsageError(`cannot read ${noun} ${file}: permission denied`, { cause: error });
    default:
      return new UsageError(`cannot read ${noun} ${file}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
  }
}

/** The file's basename without extension, with characters unfit for a name replaced by '-'. */
export function defaultName(file: string, fallback: string): string {
  const base = basename(file, extname(file))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return base.slice(0, 63) || fallback;
}
