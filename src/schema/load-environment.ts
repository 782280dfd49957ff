/**
 * Public entry points: read an environment file, validate it, and return an EnvironmentSpec
 * with every default filled in.
 */
import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { environmentSchema, type EnvironmentSpec } from './environment.js';
import { externalEnvironmentSchema } from './external-environment.js';
import { isRecord } from './view.js';
import { inputIssue, knownFields, sortIssues, toInputIssues } from './issues.js';
import { closest } from './suggest.js';
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
    const empty = inputIssue({
      file,
      line: 1,
      column: 1,
      path: '',
      message: "the file is empty; an environment needs at least the number of brokers, e.g. 'brokers: { count: 3 }'",
    });
    throw new InvalidInputError([...read.issues, empty]);
  }
  const foreign = notAnEnvironment(source.data);
  if (foreign !== undefined) throw new InvalidInputError([...read.issues, inputIssue({ file, line: 1, column: 1, path: '', message: foreign })]);
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

/**
 * Why `data` is not an environment at all — not a mapping, or a mapping of which no key is, or
 * looks like, a field of an environment — or undefined when it may be one. Such a file (an
 * `environment:` of an experiment may name any path: /etc/passwd, a JSON file of credentials)
 * gets this one message, which quotes nothing of it, rather than a problem per key or value.
 */
function notAnEnvironment(data: unknown): string | undefined {
  const fields = [...new Set([...knownFields(environmentSchema, []), ...knownFields(externalEnvironmentSchema, [])])];
  const expected = `an environment is a mapping of its fields (${fields.join(', ')})`;
  if (Array.isArray(data)) return undefined; // the schema says so, quoting none of it
  if (!isRecord(data)) return `the file holds ${shapeOf(data)}, not an environment: ${expected}`;
  const keys = Object.keys(data).slice(0, 100);
  if (keys.some((key) => fields.includes(key) || (key.length <= 32 && closest(key, fields) !== undefined))) return undefined;
  return `none of the file's top-level keys is a field of an environment, nor close to one: is it an environment file? ${expected}`;
}

/** What a YAML value is, without quoting any of it. */
function shapeOf(data: unknown): string {
  if (typeof data === 'string') return `one text of ${data.length} characters`;
  return `a ${typeof data === 'bigint' ? 'number' : typeof data}`;
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
