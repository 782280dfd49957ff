/**
 * A token bucket: tokens accrue at `rate` per second up to `burst`, and `take()` hands out
 * the whole tokens available now. A producer asks every few milliseconds and sends that many
 * records, so the long-run rate is exact whatever the timer jitter, and a stalled send does
 * not lower the offered load (up to `burst`, the backlog is caught up). Time is injected.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = 0;
    this.last = now();
  }

  /** Whole tokens available now (removed from the bucket). */
  take(max = Number.POSITIVE_INFINITY): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.rate) / 1000);
    this.last = t;
    const n = Math.min(max, Math.floor(this.tokens));
    this.tokens -= n;
    return n;
  }
}
