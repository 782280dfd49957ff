/**
 * Small zod building blocks whose messages name what was expected and what was found,
 * in the user's terms ("expected a whole number, received string 'three'").
 */
import { z } from 'zod';
import { printable } from '../util/printable.js';
import { addressHasCredentials, credentialsInUrlMessage } from './credentials.js';
import { didYouMean } from './suggest.js';

/** A value as the user wrote it, with its YAML type: `string 'abc'`, `number 5`, `a list`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string '${printable(value, 80)}'`;
    case 'number':
    case 'bigint':
      return `number ${String(value)}`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

interface RawIssue {
  code?: string;
  input?: unknown;
}

/** An error map for type mismatches: `expected <what>, received <value>`, or `missing` when absent. */
export function expected(what: string): (issue: RawIssue) => string | undefined {
  return (issue) => {
    if (issue.code !== 'invalid_type' && issue.code !== 'invalid_union') return undefined;
    return issue.input === undefined ? `missing; expected ${what}` : `expected ${what}, received ${describeValue(issue.input)}`;
  };
}

/** A whole number between `min` and `max` (inclusive); `max` undefined means no upper bound. */
export function wholeNumber(min: number, max?: number) {
  const what = max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  return z.number({ error: expected(what) }).superRefine((n, ctx) => {
    if (!Number.isInteger(n)) ctx.addIssue({ code: 'custom', message: `expected ${what}, received ${n}` });
    else if (n < min || (max !== undefined && n > max)) {
      const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
      ctx.addIssue({ code: 'custom', message: `must be ${range}, got ${n}` });
    }
  });
}

/** A string matching `pattern`; `explain(value)` says what is wrong with one that does not. */
export function matching(what: string, pattern: RegExp, explain: (value: string) => string) {
  return z.string({ error: expected(what) }).superRefine((s, ctx) => {
    if (!pattern.test(s)) ctx.addIssue({ code: 'custom', message: explain(s) });
  });
}

/** A mapping with exactly these fields; unknown fields are reported (with suggestions) by `issues.ts`. */
export function mapping<Shape extends z.ZodRawShape>(shape: Shape, what = 'a mapping') {
  return z.strictObject(shape, { error: expected(what) });
}

/**
 * A list of at most `max` items (`noun` names them in the message: "1,200 topics; at most 1,000
 * are allowed here"); `what` describes the list expected.
 */
export function boundedList<T extends z.ZodType>(item: T, max: number, noun: string, what: string) {
  return z.array(item, { error: expected(what) }).max(max, {
    error: (issue) =>
      `${Array.isArray(issue.input) ? issue.input.length.toLocaleString('en-US') : 'too many'} ${noun}; at most ${max.toLocaleString('en-US')} are allowed here`,
  });
}

/** One of a fixed set of strings; a near miss gets a suggestion. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.map((v) => `'${v}'`).join(' or ');
  return z.enum(values, {
    error: (issue: RawIssue) => {
      if (typeof issue.input !== 'string') return expected(list)({ code: 'invalid_type', input: issue.input });
      return `'${printable(issue.input, 64)}' is not valid; expected ${list}${didYouMean(issue.input, values)}`;
    },
  });
}

/** A container image reference as Docker accepts it: `[registry[:port]/]name[:tag][@sha256:digest]`, names in lower case. */
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function imageReference() {
  const what = "an image name like 'apache/kafka:4.3.1'";
  return z.string({ error: expected(what) }).superRefine((name, ctx) => {
    if (IMAGE_REFERENCE.test(name)) return;
    const message = addressHasCredentials(name.replace(/@sha256:[a-f0-9]*$/, ''))
      ? credentialsInUrlMessage('the image name', '`docker login` keeps registry credentials, out of every file')
      : `'${printable(name, 64)}' is not a container image name; write [registry/]name[:tag] in lower case, e.g. 'apache/kafka:4.3.1'`;
    ctx.addIssue({ code: 'custom', message });
  });
}
