/** Throughput is judged over windows this long… */
export const WINDOW_MS = 1000;
/** …starting every STEP_MS. */
export const STEP_MS = 100;

/**
 * Acknowledged and failed sends on a time line, for questions about throughput over windows:
 * how many records were acknowledged between two moments, when throughput first fell under a
 * threshold, and from when it stayed above it. A window [t, t + WINDOW_MS) is **good** when at
 * least `threshold` records per second were acknowledged in it and no send failed in it.
 * Windows that reach past the end of load cannot be judged; they neither break a hold nor
 * start one.
 */
export class AckSeries {
  private readonly times: Float64Array;
  /** prefix[i] = records acknowledged by acks[0..i-1]. */
  private readonly prefix: Float64Array;
  private readonly errorTimes: Float64Array;

  constructor(acks: readonly { time: number; count: number }[], errors: readonly { time: number; count: number }[]) {
    this.times = Float64Array.from(acks, (a) => a.time);
    this.prefix = new Float64Array(acks.length + 1);
    acks.forEach((a, i) => {
      this.prefix[i + 1] = this.prefix[i]! + a.count;
    });
    this.errorTimes = Float64Array.from(errors, (e) => e.time);
  }

  /** Records acknowledged in [from, to). */
  acked(from: number, to: number): number {
    return this.prefix[lowerBound(this.times, to)]! - this.prefix[lowerBound(this.times, from)]!;
  }

  /** Whether any send failed (or timed out) in [from, to). */
  failedIn(from: number, to: number): boolean {
    return lowerBound(this.errorTimes, to) > lowerBound(this.errorTimes, from);
  }

  /** The first acknowledgement at or after `t` (t itself when there is none). */
  resumedAt(t: number): number {
    const i = lowerBound(this.times, t);
    return i < this.times.length ? this.times[i]! : t;
  }

  /** The first window start in [from, until] (by STEP_MS) whose window is not good; undefined when all are. */
  firstBad(from: number, until: number, perSecond: number, loadStop: number): number | undefined {
    for (let t = from; t <= until && t + WINDOW_MS <= loadStop; t += STEP_MS) {
      if (!this.good(t, perSecond)) return t;
    }
    return undefined;
  }

  /**
   * The first window start t ≥ from (by STEP_MS) from which every window is good up to
   * `until` and for `holdMs` after t: the moment throughput had recovered and stayed so.
   * Undefined when that never happened before load stopped.
   */
  firstStable(from: number, until: number, holdMs: number, perSecond: number, loadStop: number): number | undefined {
    const last = Math.floor((loadStop - WINDOW_MS - from) / STEP_MS); // the last judgeable window start
    if (last < 0) return undefined;
    const good = Array.from({ length: last + 1 }, (_, i) => this.good(from + i * STEP_MS, perSecond));
    const nextBad = new Int32Array(last + 2).fill(last + 1);
    for (let i = last; i >= 0; i--) nextBad[i] = good[i] ? nextBad[i + 1]! : i;
    for (let i = 0; i <= last; i++) {
      if (!good[i]) continue;
      const t = from + i * STEP_MS;
      const need = Math.min(last, Math.floor((Math.max(until, t + holdMs - WINDOW_MS) - from) / STEP_MS));
      if (nextBad[i]! > need) return t;
    }
    return undefined;
  }

  /** The lowest throughput (records/s) of any judgeable window starting in [from, to]. */
  minRate(from: number, to: number, loadStop: number): number | undefined {
    let min: number | undefined;
    for (let t = from; t <= to && t + WINDOW_MS <= loadStop; t += STEP_MS) {
      const rate = this.acked(t, t + WINDOW_MS) / (WINDOW_MS / 1000);
      min = min === undefined ? rate : Math.min(min, rate);
    }
    return min;
  }

  private good(t: number, perSecond: number): boolean {
    return this.acked(t, t + WINDOW_MS) >= perSecond * (WINDOW_MS / 1000) && !this.failedIn(t, t + WINDOW_MS);
  }
}

/** The first index whose value is ≥ x (values sorted ascending). */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
