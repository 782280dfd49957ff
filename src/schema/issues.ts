/**
 * Turns zod issues into InputIssues that point into the YAML file: file:line:column, a field
 * path like `topics[0].replicationFactor`, and a message in the user's terms.
 */
import { z } from 'zod';
import type { InputIssue } from '../errors.js';
import { formatPath, locate } from './locate.js';
import { didYouMean } from './suggest.js';
import type { YamlSource } from './yaml-source.js';
import { printable } from '../util/printable.js';

/**
 * One InputIssue per zod issue, except that an `unrecognized_keys` issue becomes one per key,
 * each pointing at its key and suggesting the closest field the schema knows at that place.
 * Issues raised with `params.atKey` point at the key of their last path segment and show the
 * parent path (the message names the key).
 */
export function toInputIssues(
  issues: readonly z.core.$ZodIssue[],
  source: YamlSource,
  schema: z.core.$ZodType,
  /** Where in the document the value that `schema` checked sits, when it is not the whole document. */
  prefix: readonly PropertyKey[] = [],
): InputIssue[] {
  return issues.flatMap((issue): InputIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const fields = knownFields(schema, issue.path);
      return issue.keys.map((key) => issueAt(source, [...prefix, ...issue.path, key], 'key', unknownFieldMessage(key, fields)));
    }
    const atKey = issue.code === 'custom' && issue.params?.atKey === true;
    return [issueAt(source, [...prefix, ...issue.path], atKey ? 'key' : 'value', issue.message)];
  });
}

/**
 * An InputIssue whose every text is safe to print: its file, path and message may carry text
 * from the file (a key, a value, a name, a path), so each is escaped and cut (printable) here,
 * where every issue of the schema is made, and an issue prints on one line whatever it quotes.
 */
export function inputIssue(issue: InputIssue): InputIssue {
  return {
    ...issue,
    file: printable(issue.file, 160),
    path: printable(issue.path, 160),
    message: printable(issue.message, 400),
  };
}

/** An issue at `path` (its value, or its key with the parent path shown) of the document. */
export function issueAt(source: YamlSource, path: readonly PropertyKey[], target: 'key' | 'value', message: string): InputIssue {
  const { line, column } = locate(source.doc, source.lineCounter, path, target);
  const shown = target === 'key' ? path.slice(0, -1) : path;
  return inputIssue({ file: source.file, line, column, path: formatPath(shown), message });
}

/** Keys longer than this get no did-you-mean: no field name is that long, and the distance costs their length. */
const SUGGEST_UP_TO = 64;

/** `unknown field 'x'; did you mean 'y'?`, or the list of the fields that are known here. The key is quoted escaped and cut. */
export function unknownFieldMessage(key: string, fields: readonly string[]): string {
  const hint = key.length <= SUGGEST_UP_TO ? didYouMean(key, fields) : '';
  const quoted = `'${printable(key, 60)}'`;
  if (hint !== '' || fields.length === 0) return `unknown field ${quoted}${hint}`;
  return `unknown field ${quoted}; the fields here are ${fields.join(', ')}`;
}

/** The field names of the object schema found at `path` inside `schema`, or [] if there is none. */
export function knownFields(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') current = current.shape[segment];
    else if (current instanceof z.ZodArray) current = current.element;
    else if (current instanceof z.ZodRecord) current = current.valueType;
    else return [];
    current = current === undefined ? undefined : unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodPipe) return unwrap(schema.in);
  return schema;
}

/** Issues in reading order: by line, then column; issues without a position first. */
export function sortIssues(issues: readonly InputIssue[]): InputIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
