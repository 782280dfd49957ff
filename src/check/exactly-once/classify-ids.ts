import { ACKED, FAILED, INDETERMINATE, type Sends } from './collect-sends.js';
import { Samples } from './samples.js';

export interface IdClasses {
  lost: number;
  lostSamples: string[];
  duplicated: number;
  duplicatedSamples: string[];
  extraCopies: number;
  failedButPresent: number;
  failedButPresentSamples: string[];
  indeterminatePresent: number;
  indeterminateAbsent: number;
}

/**
 * Every sent id against how many times the output holds it: acked and absent is lost; more
 * than once is duplicated, whatever the outcome; failed and present is an aborted read;
 * indeterminate once or not at all is fine. Samples come in send order.
 */
export function classifyIds(sends: Sends, copiesOf: Uint32Array, samples: number): IdClasses {
  const lost = new Samples<string>(samples);
  const duplicated = new Samples<string>(samples);
  const failedButPresent = new Samples<string>(samples);
  const classes: IdClasses = {
    lost: 0,
    lostSamples: lost.items,
    duplicated: 0,
    duplicatedSamples: duplicated.items,
    extraCopies: 0,
    failedButPresent: 0,
    failedButPresentSamples: failedButPresent.items,
    indeterminatePresent: 0,
    indeterminateAbsent: 0,
  };
  const { count, outcome: outcomes, ids } = sends;
  for (let i = 0; i < count; i++) {
    const copies = copiesOf[i]!;
    const outcome = outcomes[i]!;
    if (copies > 1) {
      classes.duplicated++;
      classes.extraCopies += copies - 1;
      duplicated.push(ids[i]!);
    }
    if (outcome === ACKED && copies === 0) {
      classes.lost++;
      lost.push(ids[i]!);
    } else if (outcome === FAILED && copies > 0) {
      classes.failedButPresent++;
      failedButPresent.push(ids[i]!);
    } else if (outcome === INDETERMINATE && copies <= 1) {
      if (copies === 1) classes.indeterminatePresent++;
      else classes.indeterminateAbsent++;
    }
  }
  return classes;
}
