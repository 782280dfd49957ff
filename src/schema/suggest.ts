/**
 * "Did you mean …?" for typos in field names, Kafka config names and enum values.
 *
 * Names are compared after folding case and dropping separators, so `replication_factor`,
 * `ReplicationFactor` and `min_insync_replicas` find `replicationFactor` and `min.insync.replicas`.
 */

/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count one (optimal string alignment distance), so the common
 * typo `nmae` is one edit from `name`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

const fold = (name: string): string => name.toLowerCase().replace(/[\s._-]/g, '');

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a likely typo:
 * at most one edit per three characters (and at least one edit) after folding.
 * Ties go to the candidate listed first.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const folded = fold(name);
  const limit = Math.max(1, Math.floor(folded.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(folded, fold(candidate));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `; did you mean 'x'?` when a close candidate exists, otherwise the empty string. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const match = closest(name, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}
