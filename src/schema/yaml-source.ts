/**
 * Reads YAML text into plain data while keeping the parsed document, so any field path can be
 * mapped back to the line and column it came from (see `locate.ts`).
 */
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { InputIssue } from '../errors.js';
import { keyPathAt, formatPath } from './locate.js';

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data: mappings become objects, sequences arrays. */
  data: unknown;
}

export type YamlReadResult = { ok: true; source: YamlSource; issues: InputIssue[] } | { ok: false; issues: InputIssue[] };

/**
 * Parses `text` (the content of `file`; `what` names the kind of file in messages). Never throws.
 *
 * Duplicate keys are reported as issues but the document stays usable (`ok: true`, the last
 * value wins), so validation can still report everything else. Any other YAML error makes
 * the data unreliable: the result is `ok: false` with every such error as an issue.
 * Integers beyond 2^53 stay exact as bigint, so a value like 9223372036854775807 survives.
 */
export function readYaml(text: string, file: string, what = 'an environment file'): YamlReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, intAsBigInt: true, uniqueKeys: true });
  const issues = doc.errors.map((error) => yamlIssue(error, doc, lineCounter, file, what));
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { ok: false, issues };
  try {
    const data: unknown = doc.toJS({ maxAliasCount: 100, reviver: safeNumbers });
    return { ok: true, source: { file, doc, lineCounter, data }, issues };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [...issues, { file, path: '', message: `cannot read the YAML document: ${message}` }] };
  }
}

/** Turns bigints that fit a JavaScript number back into numbers; larger ones stay bigint. */
function safeNumbers(_key: unknown, value: unknown): unknown {
  return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function yamlIssue(error: YAMLError, doc: Document.Parsed, lineCounter: LineCounter, file: string, what: string): InputIssue {
  const { line, col: column } = lineCounter.linePos(error.pos[0]);
  if (error.code === 'DUPLICATE_KEY') {
    const path = keyPathAt(doc, error.pos[0]);
    const key = path?.at(-1);
    const name = key === undefined ? '' : ` '${String(key)}'`;
    return {
      file,
      line,
      column,
      path: path === undefined ? '' : formatPath(path),
      message: `duplicate key${name}: a key may appear only once in a mapping; remove one of them`,
    };
  }
  if (error.code === 'MULTIPLE_DOCS') {
    return { file, line, column, path: '', message: `the file holds more than one YAML document ('---'); ${what} is a single document` };
  }
  const text = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  return { file, line, column, path: '', message: `YAML syntax error: ${text}` };
}
