/**
 * Lenient readers for cross-field rules. Rules run even when other parts of the file are
 * invalid (so every problem is reported at once); these readers return undefined for anything
 * that is not what the rule needs, and the rule then stays silent, since the field's own
 * schema has already reported it.
 */
import type { PathSegment } from './locate.js';

export interface RuleIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key of the last path segment and show the parent path (unknown or forbidden keys). */
  atKey?: boolean;
}

/** A rule looks at the whole (possibly partly invalid) document and returns its issues. */
export type Rule = (document: unknown) => RuleIssue[];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

/** The value as a whole number when it is one (a YAML integer), otherwise undefined. */
export function wholeNumberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** A Kafka config value as Kafka will see it (a string), or undefined for a value of the wrong type. */
export function configValueOf(value: unknown): string | undefined {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean' ? String(value) : undefined;
}

/** The topics that are mappings, with their index in the list. */
export function topicsOf(document: unknown): Array<{ index: number; topic: Record<string, unknown> }> {
  const topics = field(document, 'topics');
  if (!Array.isArray(topics)) return [];
  return topics.flatMap((topic: unknown, index) => (isRecord(topic) ? [{ index, topic }] : []));
}
