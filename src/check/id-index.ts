const MAX_SLOT = 2 ** 31 - 1;

/**
 * A map from record id to T, several times faster than a Map<string, T> at 10^6 ids: an id in
 * the canonical form `<process>:<digits>` (no leading zero, at most 2^31 - 1) lives in an
 * array per process at its seq, so a lookup hashes only the short process name. Any other id
 * lives in a plain Map. Canonical form makes the two ways one-to-one: distinct ids never
 * share a slot.
 */
export class IdIndex<T> {
  private readonly byProcess = new Map<string, (T | undefined)[]>();
  private readonly others = new Map<string, T>();

  get(id: string): T | undefined {
    const colon = id.lastIndexOf(':');
    const seq = slotOf(id, colon);
    if (seq < 0) return this.others.get(id);
    return this.byProcess.get(id.slice(0, colon))?.[seq];
  }

  /** Stores `value` under `id`, replacing what was there. */
  set(id: string, value: T): void {
    const colon = id.lastIndexOf(':');
    const seq = slotOf(id, colon);
    if (seq < 0) {
      this.others.set(id, value);
      return;
    }
    const process = id.slice(0, colon);
    let slots = this.byProcess.get(process);
    if (slots === undefined) this.byProcess.set(process, (slots = []));
    slots[seq] = value;
  }
}

/** The seq of a canonical id whose last colon is at `colon`, or -1. */
function slotOf(id: string, colon: number): number {
  const digits = id.length - colon - 1;
  if (colon <= 0 || digits < 1 || digits > 10 || (digits > 1 && id.charCodeAt(colon + 1) === 48)) return -1;
  let seq = 0;
  for (let i = colon + 1; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    seq = seq * 10 + digit;
  }
  return seq <= MAX_SLOT ? seq : -1;
}
