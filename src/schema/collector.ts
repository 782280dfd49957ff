/**
 * Validation in parts, for files whose rules need the results of other parts (an experiment's
 * faults need its environment and its workload): each part is parsed on its own, its problems
 * are collected with their place in the file, and what did parse stays usable for the rules
 * that look across parts. So every problem is found in one pass, not the first one per section.
 */
import { z } from 'zod';
import type { InputIssue } from '../errors.js';
import { describeValue } from './fields.js';
import { issueAt, toInputIssues, unknownFieldMessage } from './issues.js';
import type { PathSegment } from './locate.js';
import { isRecord } from './view.js';
import type { YamlSource } from './yaml-source.js';

export type Values<S extends z.ZodRawShape> = { -readonly [K in keyof S]: z.output<S[K]> };

/** A mapping parsed field by field: the fields that parsed, the ones that did not, and the whole when all did. */
export interface Fields<S extends z.ZodRawShape> {
  values: Partial<Values<S>>;
  failed: ReadonlySet<keyof S>;
  /** Every field, when none failed. */
  all: Values<S> | undefined;
}

export class Collector {
  readonly issues: InputIssue[] = [];

  constructor(readonly source: YamlSource) {}

  /** Adds a problem at `path`: at its value, or (`'key'`) at its key with the parent path shown. */
  add(path: readonly PathSegment[], message: string, target: 'value' | 'key' = 'value'): void {
    this.issues.push(issueAt(this.source, path, target, message));
  }

  /** Parses `raw`, found at `path`, with `schema`; reports its problems and returns undefined when it fails. */
  value<T extends z.ZodType>(schema: T, raw: unknown, path: readonly PathSegment[]): z.output<T> | undefined {
    const result = z.safeParse(schema, raw);
    if (result.success) return result.data;
    this.issues.push(...toInputIssues(result.error.issues, this.source, schema, path));
    return undefined;
  }

  /**
   * Parses the mapping `raw` at `path` field by field with the schemas of `shape`, and reports
   * every key that is not in `shape` or `options.alsoKnown` (with the closest known field), unless
   * `options.ignoreUnknown`. Returns undefined, with a problem reported, when `raw` is not a
   * mapping; `what` describes the mapping expected.
   */
  fields<S extends z.ZodRawShape>(
    shape: S,
    raw: unknown,
    path: readonly PathSegment[],
    what: string,
    options: { alsoKnown?: readonly string[]; ignoreUnknown?: boolean } = {},
  ): Fields<S> | undefined {
    if (!isRecord(raw)) {
      this.add(path, raw === undefined ? `missing; expected ${what}` : `expected ${what}, received ${received(raw)}`);
      return undefined;
    }
    const own = Object.keys(shape);
    const known = [...own, ...(options.alsoKnown ?? [])];
    for (const key of options.ignoreUnknown === true ? [] : Object.keys(raw)) {
      if (!known.includes(key)) this.add([...path, key], unknownFieldMessage(key, known), 'key');
    }
    const values: Record<string, unknown> = {};
    const failed = new Set<keyof S>();
    for (const key of own) {
      const schema = shape[key];
      if (schema === undefined) continue;
      const result = z.safeParse(schema, raw[key]);
      if (result.success) values[key] = result.data;
      else {
        failed.add(key);
        this.issues.push(...toInputIssues(result.error.issues, this.source, schema, [...path, key]));
      }
    }
    // Every key of `shape` was parsed by its own schema, so the casts hold.
    const parsed = values as Partial<Values<S>>;
    return { values: parsed, failed, all: failed.size === 0 ? (values as Values<S>) : undefined };
  }
}

/** The value found where a mapping was expected: quoted when short, its length when long (a whole file read as one string). */
function received(raw: unknown): string {
  return typeof raw === 'string' && raw.length > 40 ? `a string of ${raw.length} characters` : describeValue(raw);
}
