/**
 * Public entry points: read an environment file, validate it, and return an EnvironmentSpec
 * with every default filled in.
 */
import type { z } from 'zod';
import { InvalidInputError, type InputIssue } from '../errors.js';
import { environmentSchema, type EnvironmentSpec } from './environment.js';
import { externalEnvironmentSchema } from './external-environment.js';
import { isRecord } from './view.js';
import { sortIssues, toInputIssues } from './issues.js';
import { defaultName, readSpecFile } from './read-input-file.js';
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
      file,
      line: 1,
      column: 1,
      path: '',
      message: "the file is empty; an environment needs at least the number of brokers, e.g. 'brokers: { count: 3 }'",
    };
    throw new InvalidInputError([...read.issues, empty]);
  }
  const check = <T extends z.ZodType>(schema: T): z.output<T> => {
    const result = schema.safeParse(source.data);
    const issues = [...read.issues, ...(result.success ? [] : toInputIssues(result.error.issues, source, schema))];
    if (!result.success || issues.length > 0) throw new InvalidInputError(sortIssues(issues));
    return result.data;
  };
  if (isExternal(source.data)) {
    const { name, ...rest } = check(externalEnvironmentSchema);
    return { name: name ?? defaultName(file, 'environment'), ...rest };
  }
  const { name, ...rest } = check(environmentSchema);
  return { name: name ?? defaultName(file, 'environment'), ...rest };
}

/** Whether an environment (raw data) says `runtime: external`: it is then read with the external schema. */
export function isExternal(raw: unknown): boolean {
  return isRecord(raw) && raw.runtime === 'external';
}

/**
 * Reads and parses the environment file at `file`.
 * Throws UsageError naming the path when the file cannot be read (missing, a directory, no
 * permission), and InvalidInputError (see parseEnvironment) when its content is invalid.
 */
export async function loadEnvironment(file: string): Promise<EnvironmentSpec> {
  const text = await readSpecFile(file, 'environment file', 'pass the path of an environment file, e.g. environments/local-3.yaml');
  return parseEnvironment(text, file);
}
