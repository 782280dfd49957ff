import { describe, it, expect } from 'vitest';
import { closest, didYouMean, editDistance, suggestWork } from '../../src/schema/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('replicationFactr', 'replicationFactor')).toBe(1);
  });

  it('counts a swap of two neighbouring characters as one edit', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('dokcer', 'docker')).toBe(1);
  });
});

describe('closest', () => {
  const fields = ['name', 'partitions', 'replicationFactor', 'config'];

  it('finds the field a typo was meant to be', () => {
    expect(closest('replicationFactr', fields)).toBe('replicationFactor');
    expect(closest('partition', fields)).toBe('partitions');
    expect(closest('nmae', fields)).toBe('name');
  });

  it('ignores case and separators, so other naming styles find our camelCase names', () => {
    expect(closest('replication_factor', fields)).toBe('replicationFactor');
    expect(closest('ReplicationFactor', fields)).toBe('replicationFactor');
    expect(closest('min_insync_replicas', ['min.insync.replicas', 'retention.ms'])).toBe('min.insync.replicas');
  });

  it('suggests nothing when no name is close', () => {
    expect(closest('colour', fields)).toBeUndefined();
    expect(closest('x', fields)).toBeUndefined();
  });

  it('prefers the nearest candidate, then the first listed', () => {
    expect(closest('min.insync.replica', ['min.insync.replicas', 'min.cleanable.dirty.ratio'])).toBe('min.insync.replicas');
    expect(closest('ab', ['ac', 'ad'])).toBe('ac');
  });
});

describe('didYouMean', () => {
  it('phrases the suggestion, or says nothing', () => {
    expect(didYouMean('lz5', ['gzip', 'lz4', 'zstd'])).toBe("; did you mean 'lz4'?");
    expect(didYouMean('brotli', ['gzip', 'lz4', 'zstd'])).toBe('');
  });
});

describe('the cost of a suggestion is bounded, whatever the name', () => {
  const candidates = ['cleanup.policy', 'compression.type', 'min.insync.replicas', 'retention.ms', 'segment.bytes', 'max.message.bytes'];
  const cells = (run: () => void): number => {
    const before = suggestWork.cells;
    run();
    return suggestWork.cells - before;
  };

  it('gives no suggestion for a name longer than 64 characters, and does no work for it', () => {
    const huge = 'min.insync.replicas'.repeat(80_000); // 1.5 MB
    expect(cells(() => expect(closest(huge, candidates)).toBeUndefined())).toBe(0);
    expect(cells(() => expect(didYouMean(`${'x'.repeat(65)}`, ['x'.repeat(65)])).toBe(''))).toBe(0);
    expect(closest('min.insync.replica', candidates)).toBe('min.insync.replicas'); // short names still get one
  });

  it('stops each comparison once the distance is past a typo', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
    expect(cells(() => editDistance('a'.repeat(64), 'b'.repeat(64), 2))).toBeLessThanOrEqual(3 * 64);
    expect(cells(() => editDistance('a'.repeat(64), 'b'.repeat(64)))).toBe(64 * 64);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3); // exact up to the bound
    expect(editDistance('short', 'a much longer name', 2)).toBe(3); // lengths alone tell
  });

  it('costs at most candidates × 64 × 64 steps for the longest name that gets a suggestion', () => {
    const name = 'q'.repeat(64);
    const many = Array.from({ length: 40 }, (_, i) => `${'q'.repeat(60)}${i}`);
    expect(cells(() => closest(name, many))).toBeLessThanOrEqual(many.length * 64 * 64);
  });
});
