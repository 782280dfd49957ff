/** Offsets of the records a processor polled: pure, so its rules are tested on their own. */
interface Offsets {
  partition: number;
  offset: number;
}

/**
 * The records of a poll that move each partition forward: past what this instance committed in
 * the current assignment, and past the records before them in the same poll. The consumer handed
 * out a range twice, once across polls and once within one poll (the same 91 records back to back
 * in one transaction, no marker between them), after a delayed stable-offset fetch reset a
 * partition's position while records from the old position were still queued.
 */
export function forward<M extends Offsets>(messages: readonly M[], done: ReadonlyMap<number, number>): M[] {
  const next = new Map(done);
  return messages.filter((m) => {
    if (m.offset < (next.get(m.partition) ?? 0)) return false;
    next.set(m.partition, m.offset + 1);
    return true;
  });
}

/** Where each partition of the batch began: where to rewind to when its transaction fails. */
export function firstOffsets(messages: readonly Offsets[]): Map<number, number> {
  const first = new Map<number, number>();
  for (const m of messages) if (!first.has(m.partition)) first.set(m.partition, m.offset);
  return first;
}

/** The offsets to commit for a batch of `topic`: one past the last record of each partition. */
export function nextOffsets(topic: string, messages: readonly Offsets[]): { topic: string; partition: number; offset: number }[] {
  const next = new Map<number, number>();
  for (const m of messages) next.set(m.partition, m.offset + 1);
  return [...next].map(([partition, offset]) => ({ topic, partition, offset }));
}
