import { describe, it, expect } from 'vitest';
import { environmentSchema } from '../../src/schema/environment.js';
import { knownFields } from '../../src/schema/issues.js';
import { formatPath, locate } from '../../src/schema/locate.js';
import { readYaml, type YamlSource } from '../../src/schema/yaml-source.js';

function source(text: string): YamlSource {
  const read = readYaml(text, 'x.yaml');
  if (!read.ok) throw new Error(read.issues.map((i) => i.message).join('; '));
  return read.source;
}

describe('formatPath', () => {
  it('writes paths the way the user would point at them', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['brokers', 'count'])).toBe('brokers.count');
    expect(formatPath(['topics', 1, 'replicationFactor'])).toBe('topics[1].replicationFactor');
    expect(formatPath(['topics', 0, 'config', 'min.insync.replicas'])).toBe('topics[0].config.min.insync.replicas');
  });
});

describe('locate', () => {
  const text = ['brokers:', '  count: 3', 'topics:', '  - name: a', '    partitions: 2', '  - &b', '    name: b', 'other: *b', ''].join('\n');
  const { doc, lineCounter } = source(text);
  const at = (path: PropertyKey[], target: 'key' | 'value' = 'value') => locate(doc, lineCounter, path, target);

  it('points at a value, or at its key when asked', () => {
    expect(at(['brokers', 'count'])).toEqual({ line: 2, column: 10 });
    expect(at(['brokers', 'count'], 'key')).toEqual({ line: 2, column: 3 });
    expect(at(['topics', 0, 'partitions'])).toEqual({ line: 5, column: 17 });
    expect(at(['topics', 0])).toEqual({ line: 4, column: 5 });
    expect(at(['topics', 1])).toEqual({ line: 7, column: 5 }); // the mapping starts after its anchor
  });

  it('points at the deepest key that exists when the path goes further', () => {
    expect(at(['brokers', 'heap'])).toEqual({ line: 1, column: 1 });
    expect(at(['topics', 0, 'replicationFactor'])).toEqual({ line: 4, column: 5 });
    expect(at(['topics', 7, 'name'])).toEqual({ line: 3, column: 1 });
    expect(at(['ports'])).toEqual({ line: 1, column: 1 });
  });

  it('follows aliases to the node they name', () => {
    expect(at(['other', 'name'])).toEqual({ line: 7, column: 11 });
  });

  it('answers line 1, column 1 for an empty document', () => {
    const empty = source('');
    expect(locate(empty.doc, empty.lineCounter, ['brokers'])).toEqual({ line: 1, column: 1 });
  });
});

describe('knownFields', () => {
  it('finds the fields of the mapping at a path, through defaults and lists', () => {
    expect(knownFields(environmentSchema, [])).toEqual(['name', 'description', 'runtime', 'kafka', 'images', 'brokers', 'ports', 'topics']);
    expect(knownFields(environmentSchema, ['kafka'])).toEqual(['version']);
    expect(knownFields(environmentSchema, ['topics', 3])).toEqual(['name', 'partitions', 'replicationFactor', 'config']);
    expect(knownFields(environmentSchema, ['brokers', 'config'])).toEqual([]);
    expect(knownFields(environmentSchema, ['nowhere'])).toEqual([]);
  });
});
