const MAX_SLOT = 2 ** 31 - 1;
/** Past this many processes, finding one's slots by name goes through a Map instead of a scan. */
const SCAN_LIMIT = 16;
/** A seq this far past a process's slots goes to the Map: a stray huge seq must not allocate gigabytes. */
const MAX_JUMP = 1 << 20;

/**
 * A map from record id to a non-negative integer (below 2^32 - 1), several times faster and
 * far smaller than a Map<string, number> at 10^6 ids: an id in the canonical form
 * `<process>:<digits>` (no leading zero, at most 2^31 - 1) lives in a typed array per process
 * at its seq, so a lookup neither hashes nor slices the id (a run has a few processes, found
 * by comparing the id's prefix). Any other id lives in a plain Map. Canonical form makes the
 * two ways one-to-one: distinct ids never share a slot. A canonical id whose seq is far past
 * its process's slots (a stray `p:2000000000`) goes to the Map too, so memory stays in
 * proportion to the ids stored.
 */
export class IdIndex {
  private readonly names: string[] = [];
  /** Per process (same order as names): value + 1 at each seq, 0 where absent. */
  private readonly slots: Uint32Array[] = [];
  private readonly byName = new Map<string, number>();
  private readonly others = new Map<string, number>();
  /** The process last found: ids come in runs of one process. */
  private hint = 0;
  /**
   * What the last `set` or `claim` read from its id, so a caller need not parse it again: the
   * number of its process (see processName) and its seq, or -1 and -1 when the id is not in the
   * canonical form this index slots (a seq past 2^31 - 1, say: parse it with parseRecordId).
   */
  lastProcess = -1;
  lastSeq = -1;

  get(id: string): number | undefined {
    const colon = colonOf(id);
    const seq = slotOf(id, colon);
    if (seq < 0) return this.others.get(id);
    const p = this.processOf(id, colon);
    if (p < 0) return undefined;
    const slots = this.slots[p]!;
    const stored = seq < slots.length ? slots[seq]! : 0;
    if (stored !== 0) return stored - 1;
    return this.others.size === 0 ? undefined : this.others.get(id);
  }

  /** Stores `value` under `id`, replacing what was there. */
  set(id: string, value: number): void {
    this.put(id, value, true);
  }

  /** Stores `value` under `id` unless it holds one: then returns that one and stores nothing (one parse of the id, not two). */
  claim(id: string, value: number): number | undefined {
    return this.put(id, value, false);
  }

  private put(id: string, value: number, replace: boolean): number | undefined {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32 - 1) throw new RangeError(`IdIndex holds integers from 0 to 2^32 - 2, not ${value}`);
    const colon = colonOf(id);
    const seq = slotOf(id, colon);
    this.lastProcess = this.lastSeq = -1;
    if (seq < 0) return this.putOther(id, value, replace);
    let p = this.processOf(id, colon);
    if (p < 0) {
      p = this.names.length;
      const name = id.slice(0, colon);
      this.names.push(name);
      this.slots.push(new Uint32Array(1024));
      this.byName.set(name, p);
    }
    this.lastProcess = p;
    this.lastSeq = seq;
    let slots = this.slots[p]!;
    if (seq >= slots.length) {
      if (seq >= slots.length + MAX_JUMP) return this.putOther(id, value, replace);
      let size = slots.length;
      while (size <= seq) size *= 2;
      const grown = new Uint32Array(Math.min(size, MAX_SLOT + 1));
      grown.set(slots);
      this.slots[p] = slots = grown;
    }
    const stored = slots[seq]!;
    if (stored !== 0 && !replace) return stored - 1;
    // an id stored in the Map while its seq was out of reach stays there
    if (stored === 0 && this.others.size > 0 && this.others.has(id)) return this.putOther(id, value, replace);
    slots[seq] = value + 1;
    return undefined;
  }

  /** The name of process number `p` (as lastProcess gives it): the id up to its last colon. */
  processName(p: number): string {
    return this.names[p]!;
  }

  private putOther(id: string, value: number, replace: boolean): number | undefined {
    const stored = this.others.get(id);
    if (stored !== undefined && !replace) return stored;
    this.others.set(id, value);
    return undefined;
  }

  /** The number of the process named by `id` up to `colon`, or -1 when it has none yet. */
  private processOf(id: string, colon: number): number {
    const names = this.names;
    if (names.length > SCAN_LIMIT) return this.byName.get(id.slice(0, colon)) ?? -1;
    // compared a character at a time (inlined by the JIT; startsWith and slice are calls)
    const hint = this.hint;
    if (hint < names.length && samePrefix(id, names[hint]!, colon)) return hint;
    for (let p = 0; p < names.length; p++) {
      if (p !== hint && samePrefix(id, names[p]!, colon)) {
        this.hint = p;
        return p;
      }
    }
    return -1;
  }
}

function samePrefix(id: string, name: string, colon: number): boolean {
  if (name.length !== colon) return false;
  for (let i = colon - 1; i >= 0; i--) if (id.charCodeAt(i) !== name.charCodeAt(i)) return false;
  return true;
}

/** Where the id's last colon is, if the digits of a canonical id end it (else any value slotOf refuses). */
function colonOf(id: string): number {
  // back from the end over at most 11 characters: a canonical seq has at most 10 digits
  const stop = Math.max(-1, id.length - 12);
  for (let i = id.length - 1; i > stop; i--) {
    const c = id.charCodeAt(i);
    if (c === 58) return i;
    if (c < 48 || c > 57) return -1;
  }
  return id.lastIndexOf(':');
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
