/**
 * Public entry points: read an environment file, validate it, and return an EnvironmentSpec
 * with every default filled in.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InvalidInputError, UsageError, type InputIssue } from '../errors.js';
import { environmentSchema, type EnvironmentSpec } from './environment.js';
import { sortIssues, toInputIssues } from './issues.js';
import { readYaml } from './yaml-source.js';

/**
 * Parses and validates the text of an environment file. `file` is used in messages and for the
 * default name (its basename without extension, with characters unfit for a name replaced by '-').
 *
 * Throws InvalidInputError listing every problem found, each as file:line:column: path: message,
 * in the order they appear in the file. Never throws anything else for any input text.
 */
export function parseEnvironment(text: string, file: string): EnvironmentSpec {
  const read = readYaml(text, file);
  if (!read.ok) throw new InvalidInputError(sortIssues(read.issues));
  const { source } = read;
  if (source.data === null || source.data === undefined) {
    const empty: InputIssue = {
      file, line: 1, column: 1, path: '',
      message: "the file is empty; an environment needs at least the number of brokers, e.g. 'brokers: { count: 3 }'",
    };
    throw new InvalidInputError([...read.issues, empty]);
  }
  const result = environmentSchema.safeParse(source.data);
  const issues = [...read.issues, ...(result.success ? [] : toInputIssues(result.error.issues, source, environmentSchema))];
  if (!result.success || issues.length > 0) throw new InvalidInputError(sortIssues(issues));
  const { name, ...rest } = result.data;
  return { name: name ?? defaultName(file), ...rest };
}

/**
 * Reads and parses the environment file at `file`.
 * Throws UsageError naming the path when the file cannot be read (missing, a directory, no
 * permission), and InvalidInputError (see parseEnvironment) when its content is invalid.
 */
export async function loadEnvironment(file: string): Promise<EnvironmentSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseEnvironment(text, file);
}

function unreadable(file: string, error: unknown): UsageError {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const hint = 'pass the path of an environment file, e.g. environments/local-3.yaml';
  switch (code) {
    case 'ENOENT':
      return new UsageError(`environment file not found: ${file}`, { hint, cause: error });
    case 'EISDIR':
      return new UsageError(`${file} is a directory, not an environment file`, { hint, cause: error });
    case 'EACCES':
    case 'EPERM':
      return new UsageError(`cannot read environment file ${file}: permission denied`, { cause: error });
    default:
      return new UsageError(`cannot read environment file ${file}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
  }
}

function defaultName(file: string): string {
  const base = basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return base.slice(0, 63) || 'environment';
}
