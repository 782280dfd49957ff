import type { HistoryEntry } from '../../history/types.js';

/**
 * Whether the verifier read `topic` to its end offsets: undefined when some `read-done` entry
 * for it says complete, otherwise why not. Without that, no checker can claim nothing was lost.
 */
export function whyNotReadToEnd(history: readonly HistoryEntry[], topic: string): string | undefined {
  let incomplete: string | undefined;
  for (const entry of history) {
    if (entry.type !== 'read-done' || entry.topic !== topic) continue;
    if (entry.complete) return undefined;
    incomplete = `the verifier did not read ${topic} to its end offsets${entry.error ? `: ${entry.error}` : ''}`;
  }
  return incomplete ?? `no read-done entry for ${topic}: the verifier did not finish reading it`;
}
