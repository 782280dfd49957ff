/**
 * Maps field paths (as zod reports them) to places in a parsed YAML document, and back.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Pair } from 'yaml';

export type PathSegment = string | number;

/** Where an issue points: at the value, or at the key that names it (for unknown keys). */
export type Target = 'value' | 'key';

export interface Position {
  line: number;
  column: number;
}

/** `['topics', 0, 'replicationFactor']` → `topics[0].replicationFactor`; `[]` → `''`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Each mapping's pairs by key, built once per mapping: locating every key of a mapping of 60,000 stays linear. */
const pairsByKey = new WeakMap<object, Map<string, Pair>>();

/** The pair for `key` in a mapping; the last one if the key is duplicated, as its value is the one that counts. */
function pairFor(doc: Document, node: unknown, key: PathSegment): Pair | undefined {
  const map = resolve(doc, node);
  if (!isMap(map)) return undefined;
  let pairs = pairsByKey.get(map);
  if (pairs === undefined) {
    pairs = new Map();
    for (const pair of map.items) if (isScalar(pair.key)) pairs.set(String(pair.key.value), pair);
    pairsByKey.set(map, pairs);
  }
  return pairs.get(String(key));
}

function startOf(node: unknown): number | undefined {
  return isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range?.[0] : undefined;
}

/** A value written as nothing at all (`count:`) has an empty range; we point at its key instead. */
function isEmptyValue(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1];
}

/**
 * The position of `path` in the document: its value (or its key, for `target: 'key'`).
 * When the path does not exist in the document (a missing field), the position of the deepest
 * key that does exist, so a missing `brokers.count` points at `brokers:`. Falls back to the
 * start of the document, or to line 1, column 1 for an empty one.
 */
export function locate(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[], target: Target = 'value'): Position {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  // Where to point if the next segment is missing: the key (or list item) reached last.
  let anchor = offset;
  for (const [index, segment] of path.entries()) {
    const current = resolve(doc, node);
    if (typeof segment === 'number' && isSeq(current) && current.items[segment] !== undefined) {
      node = current.items[segment];
      anchor = offset = startOf(node) ?? anchor;
      continue;
    }
    const pair = typeof segment === 'symbol' ? undefined : pairFor(doc, current, segment);
    if (pair === undefined) {
      offset = anchor;
      break;
    }
    const keyOffset = startOf(pair.key) ?? anchor;
    const pointAtKey = (index === path.length - 1 && target === 'key') || isEmptyValue(pair.value);
    node = pair.value;
    anchor = keyOffset;
    offset = pointAtKey ? keyOffset : (startOf(node) ?? keyOffset);
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
