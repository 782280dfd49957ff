/**
 * "Did you mean …?" for typos in field names, Kafka config names and enum values.
 *
 * Names are compared after folding case and dropping separators, so `replication_factor`,
 * `ReplicationFactor` and `min_insync_replicas` find `replicationFactor` and `min.insync.replicas`.
 *
 * The cost is bounded whatever the input: a name longer than MAX_SUGGESTED_NAME gets no
 * suggestion (no typo of a field name is that long), and each comparison stops as soon as the
 * distance is past what would count as a typo. So one suggestion costs at most
 * candidates × 64 × 64 steps, and a file with a megabyte-long name costs no more than a short one.
 */

/** Names longer than this (as written) get no suggestion: a typo of a real name is never that long. */
export const MAX_SUGGESTED_NAME = 64;

/** Work done by `editDistance` since the process started, in table cells: lets a test prove the cost is bounded. */
export const suggestWork = { cells: 0 };

/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count one (optimal string alignment distance), so the common
 * typo `nmae` is one edit from `name`. With `max`, the answer is exact up to `max` and any
 * larger distance is reported as `max + 1`, found without filling the whole table.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // three rows of the table: i - 2, i - 1 and i (the swap looks two rows back)
  let before = new Array<number>(b.length + 1).fill(0);
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      row[j] = best;
      if (best < smallest) smallest = best;
    }
    suggestWork.cells += b.length;
    // every later row is at least the smallest cell of this one
    if (smallest > max) return max + 1;
    [before, above, row] = [above, row, before];
  }
  const distance = above[b.length] ?? 0;
  return distance > max ? max + 1 : distance;
}

const fold = (name: string): string => name.toLowerCase().replace(/[\s._-]/g, '');

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a likely typo:
 * at most one edit per three characters (and at least one edit) after folding.
 * Ties go to the candidate listed first. Undefined for a name longer than MAX_SUGGESTED_NAME.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > MAX_SUGGESTED_NAME) return undefined;
  const folded = fold(name);
  const limit = Math.max(1, Math.floor(folded.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.length > MAX_SUGGESTED_NAME) continue;
    const distance = editDistance(folded, fold(candidate), best === undefined ? limit : Math.min(limit, best.distance - 1));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `; did you mean 'x'?` when a close candidate exists, otherwise the empty string. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const match = closest(name, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}
