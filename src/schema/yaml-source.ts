/**
 * Reads YAML text into plain data while keeping the parsed document, so any field path can be
 * mapped back to the line and column it came from (see `locate.ts`). Bounded: nesting deeper
 * than MAX_NESTING, alias expansions past 100 and duplicate keys are found in linear passes
 * (yaml-bounds.ts), and no message quotes more than a short escaped excerpt of the file.
 */
import { Composer, type Document, LineCounter, Parser, type YAMLError, YAMLParseError } from 'yaml';
import type { InputIssue } from '../errors.js';
import { printable } from '../util/printable.js';
import { inputIssue } from './issues.js';
import { formatPath } from './locate.js';
import { aliasCycleAt, duplicateKeys, MAX_NESTING, tooDeepAt, tooManyBracketsAt } from './yaml-bounds.js';

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data: mappings become objects, sequences arrays. */
  data: unknown;
}

export type YamlReadResult = { ok: true; source: YamlSource; issues: InputIssue[] } | { ok: false; issues: InputIssue[] };

/** How many times the values of anchors may be expanded by aliases in one document. */
const MAX_ALIAS_COUNT = 100;

/**
 * The first document of `text`, composed only when it nests no deeper than MAX_NESTING; for a
 * deeper one, the offset where it goes too deep. Never throws; linear in the text.
 */
export function parseYaml(text: string, lineCounter = new LineCounter()): { doc: Document.Parsed } | { tooDeepAt: number } {
  const brackets = tooManyBracketsAt(text);
  if (brackets !== undefined) return { tooDeepAt: brackets };
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeepAt(tokens);
  if (deep !== undefined) return { tooDeepAt: deep };
  // logLevel 'error': the library's warnings are ours to report, never printed by it
  const composer = new Composer({ prettyErrors: false, intAsBigInt: true, uniqueKeys: false, logLevel: 'error' });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (doc === undefined) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'the file holds more than one YAML document'));
      break;
    }
  }
  // compose(…, forceDoc) always yields a document, an empty one for empty text
  return doc === undefined ? { tooDeepAt: 0 } : { doc };
}

/**
 * Parses `text` (the content of `file`; `what` names the kind of file in messages). Never throws.
 *
 * Duplicate keys and unresolved tags are reported as issues but the document stays usable
 * (`ok: true`, the last value wins), so validation can still report everything else. Any other
 * YAML error makes the data unreliable: the result is `ok: false` with every such error as an
 * issue. Integers beyond 2^53 stay exact as bigint, so a value like 9223372036854775807 survives.
 */
export function readYaml(text: string, file: string, what = 'an environment file'): YamlReadResult {
  const lineCounter = new LineCounter();
  const parsed = parseYaml(text, lineCounter);
  const at = (offset: number, path: string, message: string): InputIssue => {
    // the line counter has heard every line only when the parser ran to the end
    const { line, col: column } = 'doc' in parsed ? lineCounter.linePos(offset) : positionIn(text, offset);
    return inputIssue({ file, line, column, path, message });
  };
  if ('tooDeepAt' in parsed) {
    return {
      ok: false,
      issues: [at(parsed.tooDeepAt, '', `the document nests deeper than ${MAX_NESTING} levels of mappings and lists; ${what} needs six or seven`)],
    };
  }
  const { doc } = parsed;
  const issues = doc.errors.map((error) => yamlIssue(error, at, what));
  if (issues.length > 0) return { ok: false, issues };
  const cycle = aliasCycleAt(doc);
  if (cycle !== undefined) {
    return { ok: false, issues: [...issues, at(cycle, '', 'this alias points at a node it sits inside: the document would never end; write the value out')] };
  }
  issues.push(...duplicateKeys(doc).map((d) => at(d.offset, formatPath(d.path), duplicateMessage(d.path.at(-1)))));
  issues.push(...doc.warnings.map((warning) => yamlIssue(warning, at, what)));
  try {
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, reviver: safeNumbers });
    return { ok: true, source: { file, doc, lineCounter, data }, issues };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const why = /alias count/i.test(message)
      ? `its aliases expand past ${MAX_ALIAS_COUNT} copies of what they point at (the shape of a "billion laughs" attack); write the values out`
      : /call stack/i.test(message)
        ? 'it nests too deeply'
        : printable(message, 120);
    return { ok: false, issues: [...issues, at(0, '', `cannot read the YAML document: ${why}`)] };
  }
}

/** The line and column (from 1) of `offset` in `text`. */
function positionIn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Turns bigints that fit a JavaScript number back into numbers; larger ones stay bigint. */
function safeNumbers(_key: unknown, value: unknown): unknown {
  return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function duplicateMessage(key: unknown): string {
  const name = key === undefined ? '' : ` '${printable(String(key), 60)}'`;
  return `duplicate key${name}: a key may appear only once in a mapping; remove one of them`;
}

function yamlIssue(error: YAMLError, at: (offset: number, path: string, message: string) => InputIssue, what: string): InputIssue {
  const offset = error.pos[0];
  const first = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return at(offset, '', `the file holds more than one YAML document ('---'); ${what} is a single document`);
    case 'TAG_RESOLVE_FAILED': {
      const tag = first.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!');
      return at(
        offset,
        '',
        /call stack/i.test(first)
          ? 'the document nests too deeply to be read'
          : `unknown tag '${printable(tag, 60)}': ${what} is plain YAML (mappings, lists, strings, numbers, booleans); remove the tag`,
      );
    }
    case 'RESOURCE_EXHAUSTION':
      return at(
        offset,
        '',
        /call stack/i.test(first) ? 'the document nests too deeply to be read' : `the document is too large to read: ${printable(first, 120)}`,
      );
    default:
      return at(offset, '', `YAML ${error.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${printable(first, 160)}`);
  }
}
