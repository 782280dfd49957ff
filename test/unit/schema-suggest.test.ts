import { describe, it, expect } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/schema/suggest.js';

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
