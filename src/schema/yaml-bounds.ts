/**
 * What a YAML document may cost, checked in passes that are linear and never recurse: its
 * nesting, before the yaml library composes it (the composer recurses once per level, and a
 * stack that runs out deep inside V8 can abort the process), and its duplicate keys, found in
 * one pass (the library's own check compares every key with every other: 60,000 keys took
 * minutes).
 */
import { type CST, type Document, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { PathSegment } from './locate.js';

/** How deeply a spec file may nest mappings and lists: a real one nests six or seven levels. */
export const MAX_NESTING = 64;

/** Brackets open in a row past which a text is refused before it is even parsed. */
const MAX_OPEN_BRACKETS = 1000;

/**
 * The offset of the first bracket ('[' or '{') left open past MAX_OPEN_BRACKETS, counting them
 * everywhere, in strings too (so it only over-counts: a real file never gets near), or undefined.
 * A first look that costs one pass over the characters, before the slower parser runs.
 */
export function tooManyBracketsAt(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > MAX_OPEN_BRACKETS) return i;
    } else if ((ch === 0x5d || ch === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** The offset of the first collection nested deeper than MAX_NESTING in the parsed tokens, or undefined. */
export function tooDeepAt(tokens: readonly CST.Token[]): number | undefined {
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next;
    if (token === null || token === undefined) continue;
    if (token.type === 'document') stack.push({ token: token.value, depth });
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= MAX_NESTING) return token.offset;
      for (const item of token.items) stack.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

export interface DuplicateKey {
  /** Where the later key starts. */
  offset: number;
  /** Its path, the key last. */
  path: PathSegment[];
}

/**
 * Every key that appears a second time in its mapping (compared as text, as they will be as
 * the fields of an object), in file order. Aliases are not followed: what they point at is
 * checked where it is written.
 */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Array<{ node: unknown; path: PathSegment[] }> = [{ node: doc.contents, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { node, path } = next;
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) stack.push({ node: item, path: [...path, i] });
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) {
          if (seen.has(key)) found.push({ offset: isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0, path: [...path, key] });
          seen.add(key);
        }
        stack.push({ node: pair.value, path: [...path, key ?? '?'] });
      }
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/**
 * The offset of the first alias that points at a node it sits inside (`a: &a [*a]`: a document
 * without end, which the yaml library would expand until the stack runs out), or undefined.
 * An alias means the latest anchor of its name before it, as the yaml library reads it.
 */
export function aliasCycleAt(doc: Document): number | undefined {
  const latest = new Map<string, unknown>();
  const inside = new Set<unknown>();
  const stack: Array<{ node: unknown; leaving: boolean }> = [{ node: doc.contents, leaving: false }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const { node, leaving } = step;
    if (leaving) inside.delete(node);
    else if (isAlias(node)) {
      const target = latest.get(node.source);
      if (target !== undefined && inside.has(target)) return node.range?.[0] ?? 0;
    } else if (isMap(node) || isSeq(node) || isScalar(node)) {
      if (node.anchor !== undefined) latest.set(node.anchor, node);
      if (isScalar(node)) continue;
      inside.add(node);
      stack.push({ node, leaving: true });
      const children: unknown[] = isMap(node) ? node.items.flatMap((pair) => [pair.key, pair.value]) : node.items;
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], leaving: false });
    }
  }
  return undefined;
}
