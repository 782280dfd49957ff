import type { SendComplete } from '../history/types.js';

export type Outcome = 'ok' | 'fail' | 'info';

/**
 * One batch of records sent with a client that reports each record on its own (librdkafka's
 * delivery reports): collects each record's outcome and offset, and once every record has one,
 * gives the batch's completions for the History, one per run of records with the same outcome
 * (usually one for the whole batch).
 */
export class DeliveryBatch {
  private readonly outcomes: (Outcome | undefined)[];
  private readonly offsets: number[];
  private readonly errors: (string | undefined)[];
  private left: number;

  constructor(
    readonly batch: number,
    readonly size: number,
  ) {
    this.outcomes = new Array<Outcome | undefined>(size);
    this.offsets = new Array<number>(size).fill(-1);
    this.errors = new Array<string | undefined>(size);
    this.left = size;
  }

  /** Record `index`'s outcome (its first report counts); true when that was the batch's last one. */
  report(index: number, outcome: Outcome, offset?: number, error?: string): boolean {
    if (index < 0 || index >= this.size || this.outcomes[index] !== undefined) return false;
    this.outcomes[index] = outcome;
    if (offset !== undefined && offset >= 0) this.offsets[index] = offset;
    if (error !== undefined) this.errors[index] = error;
    this.left--;
    return this.left === 0;
  }

  get done(): boolean {
    return this.left === 0;
  }

  /** Records still without an outcome. */
  get pending(): number {
    return this.left;
  }

  /**
   * The completions of the batch as it stands: a record without an outcome yet is left out
   * (no completion covers it: indeterminate). Offsets ride on `ok` completions when every
   * record covered has one.
   */
  completions(process: string, time: number): SendComplete[] {
    const runs: SendComplete[] = [];
    let i = 0;
    while (i < this.size) {
      const outcome = this.outcomes[i];
      let j = i + 1;
      while (j < this.size && this.outcomes[j] === outcome) j++;
      if (outcome !== undefined) {
        const whole = i === 0 && j === this.size;
        const offsets = this.offsets.slice(i, j);
        const error = this.errors.slice(i, j).find((e) => e !== undefined);
        runs.push({
          type: 'send',
          phase: outcome,
          time,
          process,
          batch: this.batch,
          ...(whole ? {} : { first: i, count: j - i }),
          ...(outcome === 'ok' && offsets.every((o) => o >= 0) ? { offsets } : {}),
          ...(error === undefined || outcome === 'ok' ? {} : { error }),
        });
      }
      i = j;
    }
    return runs;
  }
}
