/**
 * The YAML loader's bounds: nesting refused past 64 levels before the library composes it,
 * aliases that expand past 100 copies or point into themselves refused, duplicate keys found
 * in one pass; and for any text at all — YAML shapes, token soup, raw bytes — the loader
 * throws nothing but InvalidInputError and no message holds a control character.
 */
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssue, InvalidInputError, MAX_LISTED_ISSUES } from '../../src/errors.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { isExperiment, parseExperiment } from '../../src/schema/load-experiment.js';
import { aliasCycleAt, duplicateKeys, MAX_NESTING, tooManyBracketsAt } from '../../src/schema/yaml-bounds.js';
import { readYaml } from '../../src/schema/yaml-source.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never be printed
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const messages = (text: string): string[] => {
  const read = readYaml(text, 'x.yaml');
  return read.issues.map(formatIssue);
};

const nested = (depth: number): string => `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;

describe('nesting', () => {
  it('reads 63 levels under the top mapping (64 in all), refuses 65 at the collection that goes too deep', () => {
    expect(readYaml(nested(MAX_NESTING - 1), 'x.yaml')).toMatchObject({ ok: true, issues: [] });
    const refused = readYaml(nested(MAX_NESTING), 'x.yaml');
    expect(refused.ok).toBe(false);
    expect(refused.issues.map(formatIssue)).toEqual([
      `x.yaml:1:${4 + MAX_NESTING - 1}: the document nests deeper than 64 levels of mappings and lists; an environment file needs six or seven`,
    ]);
  });

  it('counts block mappings, compact lists and flow mappings alike', () => {
    const block = (depth: number): string => `${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} 1\n`;
    expect(readYaml(block(MAX_NESTING), 'x.yaml').ok).toBe(true);
    expect(messages(block(MAX_NESTING + 1))[0]).toMatch(/^x\.yaml:65:129: the document nests deeper than 64 levels/);
    expect(messages(`${'- '.repeat(MAX_NESTING + 1)}x\n`)[0]).toMatch(/^x\.yaml:1:129: the document nests deeper/);
    expect(messages(`a: ${'{b: '.repeat(MAX_NESTING)}1${'}'.repeat(MAX_NESTING)}\n`)[0]).toMatch(/nests deeper than 64 levels/);
  });

  it('refuses 100,000 brackets before parsing, in a single pass', () => {
    const text = `a: ${'['.repeat(100_000)}`;
    expect(tooManyBracketsAt(text)).toBe(3 + 1000);
    expect(tooManyBracketsAt(`a: "${'[]'.repeat(100_000)}"`)).toBeUndefined(); // balanced: counted, never more than one open
    expect(messages(text)).toEqual(['x.yaml:1:1004: the document nests deeper than 64 levels of mappings and lists; an environment file needs six or seven']);
  });

  it('an experiment too deep to read is still read as an experiment', async () => {
    const text = `duration: 1m\nworkload:\n  producers: ${'['.repeat(2000)}\n`;
    expect(isExperiment(text)).toBe(true);
    await expect(parseExperiment(text, 'deep.yaml')).rejects.toThrow(
      /deep\.yaml:3:\d+: the document nests deeper than 64 levels of mappings and lists; an experiment file/,
    );
  });
});

describe('aliases', () => {
  it('refuses a billion laughs, and an alias inside the node it points at', () => {
    const laughs = `a0: &a0 lol\n${Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`).join('\n')}\n`;
    expect(messages(laughs)).toEqual([
      'x.yaml:1:1: cannot read the YAML document: its aliases expand past 100 copies of what they point at (the shape of a "billion laughs" attack); write the values out',
    ]);
    expect(messages('a: &a [1, *a]\n')).toEqual(['x.yaml:1:11: this alias points at a node it sits inside: the document would never end; write the value out']);
    expect(messages('a: &a { b: { c: *a } }\n')[0]).toMatch(/^x\.yaml:1:17: this alias points at a node it sits inside/);
  });

  it('lets an alias reuse an anchor written before it, and a later anchor of the same name', () => {
    const text = 'a: &x [1]\nb: &y [*x, *x]\nc: &x 2\nd: [*x, *y]\n';
    expect(aliasCycleAt(parseDocument(text))).toBeUndefined();
    expect(readYaml(text, 'x.yaml')).toMatchObject({ ok: true, source: { data: { a: [1], b: [[1], [1]], c: 2, d: [2, [[1], [1]]] } } });
    // `&x [*x]`: the anchor is written before what it names, so the alias is inside it
    expect(aliasCycleAt(parseDocument('a: &x [1]\nb: &x [*x]\n'))).toBe(17);
  });
});

describe('duplicate keys', () => {
  it('are found with their path, in file order, also written once quoted', () => {
    const doc = parseDocument('a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"b": 4\n', { uniqueKeys: false });
    expect(duplicateKeys(doc).map((d) => d.path)).toEqual([['b', 'c'], ['a'], ['b']]);
  });

  // its time is measured in `npm run bench` (section validation); here the size bounds it: the
  // yaml library's own quadratic check took 282 s on 60,000 keys, far past the test's timeout
  it('finds the one duplicate among 60,000 keys', () => {
    const text = `${Array.from({ length: 60_000 }, (_, i) => `k${i}: 1`).join('\n')}\nk0: 2\n`;
    expect(duplicateKeys(parseDocument(text, { uniqueKeys: false }))).toHaveLength(1);
  });
});

describe('bounded messages', () => {
  it('lists at most 40 problems, and says how many more', () => {
    const text = `brokers: { count: 1 }\n${Array.from({ length: 500 }, (_, i) => `extra${i}: 1`).join('\n')}\n`;
    const error = (() => {
      try {
        parseEnvironment(text, 'many.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    const lines = (error as InvalidInputError).message.split('\n');
    expect(lines[0]).toBe('many.yaml has 500 problems:');
    expect(lines).toHaveLength(1 + MAX_LISTED_ISSUES + 1);
    expect(lines.at(-1)).toBe('  … and 460 more problems (fix these first)');
    expect((error as InvalidInputError).issues).toHaveLength(500);
  });

  it('quotes a key or a tag cut and escaped', () => {
    expect(messages(`brokers: { count: 1 }\n? ${'k'.repeat(5000)}\n: 1\n`)).toEqual([]); // YAML is fine; the schema names the key
    expect(messages('a: !<%1B]0;t%07> x\n')[0]).toBe(
      "x.yaml:1:4: unknown tag '%1B]0;t%07': an environment file is plain YAML (mappings, lists, strings, numbers, booleans); remove the tag",
    );
    expect(messages('"a\\e[2K": 1\n"a\\e[2K": 2\n')).toEqual([
      "x.yaml:2:1: a\\x1b[2K: duplicate key 'a\\x1b[2K': a key may appear only once in a mapping; remove one of them",
    ]);
  });
});

/** What any text makes of the loader: never a throw other than InvalidInputError, never a control character. */
async function loadsSafely(text: string): Promise<void> {
  for (const parse of [(t: string) => Promise.resolve(parseEnvironment(t, 'fuzz.yaml')), (t: string) => parseExperiment(t, 'fuzz.yaml')]) {
    try {
      await parse(text);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      expect(CONTROL.exec(error.message)?.[0]).toBeUndefined();
      expect(error.message.length).toBeLessThan(40_000);
    }
  }
}

const FRAGMENTS = [
  '[',
  ']',
  '{',
  '}',
  '- ',
  ': ',
  ', ',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '!!js/function ',
  '!x ',
  '? ',
  '\n',
  '  ',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '"\\e[2K"',
  "'q'",
  '<<',
  '#c',
  'brokers',
  'count',
  'topics',
  'timeline',
  'workload',
  'kind',
  'name',
  '1',
  '-1',
  '.nan',
  '~',
  '|\n  x',
  'x',
];

describe('any input (fast-check)', () => {
  it('YAML shapes with hostile strings: loaded or refused, never thrown, never printed raw', async () => {
    const hostile = fc.oneof(fc.string(), fc.constantFrom('\x1b[2K', '\n✓ ok', '\u202e', '\u0000', 'a\u009bb', 'x'.repeat(300)));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        hostile,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(hostile, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    const shaped = fc.record({ brokers: fc.oneof(value, fc.record({ count: value })), topics: value, extra: value }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(shaped, value), async (data) => loadsSafely(stringify(data))),
      { numRuns: 150 },
    );
  });

  it('token soup: loaded or refused, never thrown, never printed raw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }), async (parts) => loadsSafely(parts.join(''))),
      { numRuns: 300 },
    );
  });

  it('byte strings decoded as text: loaded or refused, never thrown, never printed raw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => loadsSafely(Buffer.from(bytes).toString('utf8'))),
      { numRuns: 200 },
    );
  });
});
