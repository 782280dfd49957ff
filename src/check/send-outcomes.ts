import type { HistoryEntry, SendComplete } from '../history/types.js';

/**
 * What became of a sent record, from the completions of its batch (`fail`, `info` or none at
 * all, `ok`); ranked: a stronger outcome has the larger number.
 */
export const FAILED = 0;
export const INDETERMINATE = 1;
export const ACKED = 2;

const OUTCOME = { ok: ACKED, fail: FAILED, info: INDETERMINATE } as const;

/** The records of its batch (of `size` records) a completion covers, as [start, end): all unless it names a part; clipped to the batch. */
export function coveredRange(c: SendComplete, size: number): [number, number] {
  return c.first === undefined || c.count === undefined ? [0, size] : partRange(c.first, c.count, size);
}

/** Records `first` to `first + count - 1` of a batch of `size`, as [start, end), clipped to the batch. */
function partRange(first: number, count: number, size: number): [number, number] {
  const start = Math.min(Math.max(0, first), size);
  return [start, Math.min(size, start + Math.max(0, count))];
}

interface Part {
  first: number;
  count: number;
  outcome: number;
}

/** One batch's completions: an outcome for the whole batch (-1 when none), and the parts completed on their own. */
interface BatchEnd {
  whole: number;
  parts?: Part[];
}

/**
 * The outcome of every record sent, by (process, batch, index in the batch): the strongest
 * that any completion covering it gave. A record no completion covers (the producer crashed,
 * the run ended first) is indeterminate. Batch numbers are per process: a Map of numbers per
 * process, no string made per batch.
 */
export class SendOutcomes {
  private readonly byProcess = new Map<string, Map<number, BatchEnd>>();

  static of(history: readonly HistoryEntry[]): SendOutcomes {
    const outcomes = new SendOutcomes();
    for (const e of history) if (e.type === 'send' && e.phase !== 'invoke') outcomes.add(e);
    return outcomes;
  }

  add(c: SendComplete): void {
    let ofProcess = this.byProcess.get(c.process);
    if (ofProcess === undefined) {
      ofProcess = new Map();
      this.byProcess.set(c.process, ofProcess);
    }
    let end = ofProcess.get(c.batch);
    if (end === undefined) {
      end = { whole: -1 };
      ofProcess.set(c.batch, end);
    }
    const outcome = OUTCOME[c.phase];
    if (c.first === undefined || c.count === undefined) end.whole = Math.max(end.whole, outcome);
    else {
      end.parts ??= [];
      end.parts.push({ first: c.first, count: c.count, outcome });
    }
  }

  /**
   * The outcome of a batch of `size` records: one number when every record has the same (the
   * usual case, and the cheap one), else one per record.
   */
  batch(process: string, batch: number, size: number): number | Uint8Array {
    const end = this.byProcess.get(process)?.get(batch);
    if (end === undefined) return INDETERMINATE;
    const whole = end.whole < 0 ? INDETERMINATE : end.whole;
    if (end.parts === undefined) return whole;
    const each = new Uint8Array(size).fill(whole);
    const covered = new Uint8Array(size); // a part's outcome replaces "no completion", else the stronger holds
    if (end.whole >= 0) covered.fill(1);
    for (const part of end.parts) {
      const [start, stop] = partRange(part.first, part.count, size);
      for (let i = start; i < stop; i++) {
        each[i] = covered[i] === 1 ? Math.max(each[i]!, part.outcome) : part.outcome;
        covered[i] = 1;
      }
    }
    return size > 0 && each.every((o) => o === each[0]) ? each[0]! : each;
  }
}

/** How many of a batch's records have each outcome, from `SendOutcomes.batch`. */
export function countOutcomes(outcome: number | Uint8Array, size: number): { acked: number; failed: number; indeterminate: number } {
  const counts = { acked: 0, failed: 0, indeterminate: 0 };
  const add = (o: number, n: number): void => {
    if (o === ACKED) counts.acked += n;
    else if (o === FAILED) counts.failed += n;
    else counts.indeterminate += n;
  };
  if (typeof outcome === 'number') add(outcome, size);
  else for (const o of outcome) add(o, 1);
  return counts;
}
