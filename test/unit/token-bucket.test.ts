import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/workload/token-bucket.js';

describe('TokenBucket', () => {
  it('hands out exactly rate × time over any sequence of uneven ticks', () => {
    let now = 0;
    const bucket = new TokenBucket(200, 1000, () => now);
    let taken = 0;
    const ticks = [1, 3, 7, 2, 11, 5, 4, 13, 1, 2];
    while (now < 10_000) {
      now += ticks[Math.floor(now) % ticks.length]!;
      taken += bucket.take();
    }
    expect(Math.abs(taken - 200 * (now / 1000))).toBeLessThan(1);
  });

  it('caps the backlog at its burst after a stall, and respects max', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 50, () => now);
    now = 10_000;
    expect(bucket.take(20)).toBe(20);
    expect(bucket.take()).toBe(30);
    expect(bucket.take()).toBe(0);
  });
});
