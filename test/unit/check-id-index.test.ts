import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/check/exactly-once/id-index.js';
import { parseRecordId } from '../../src/history/types.js';

// Ids that look alike: canonical ones, leading zeros, empty or huge seqs, colons in the process.
const idLike = fc
  .tuple(
    fc.constantFrom('p', 'p:q', 'producer-1', '', ':'),
    fc.constantFrom(':', '', '::'),
    fc.constantFrom('0', '1', '01', '001', '', '12a', '4294967296', '2147483647', '1048577', '2000', ' 1', '1e3'),
  )
  .map(([process, colon, seq]) => `${process}${colon}${seq}`);

describe('IdIndex', () => {
  it('keeps distinct ids apart, as a Map would', () => {
    const index = new IdIndex();
    const ids = ['p:1', 'p:01', 'p:', 'p:0', 'p:q:1', 'p', ':1', 'p:2147483648', 'p:99999999999'];
    for (const [i, id] of ids.entries()) index.set(id, i);
    for (const [i, id] of ids.entries()) expect(index.get(id), id).toBe(i);
    expect(index.get('p:2')).toBeUndefined();
    expect(index.get('q:1')).toBeUndefined();
  });

  it('keeps a stray huge seq without allocating slots up to it, and grows for seqs in reach', () => {
    const index = new IdIndex();
    index.set('p:1', 1);
    index.set('p:2147483647', 2); // in a typed array of slots this would take 8 GiB
    index.set('p:5000', 3);
    index.set('p:2147483647', 4);
    expect([index.get('p:1'), index.get('p:2147483647'), index.get('p:5000'), index.get('p:4999')]).toEqual([1, 4, 3, undefined]);
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(1 << 30);
  });

  it('answers like a Map for any mix of ids', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(idLike, fc.nat({ max: 2 ** 32 - 2 }), fc.boolean())), fc.array(idLike), (writes, reads) => {
        const index = new IdIndex();
        const map = new Map<string, number>();
        for (const [id, value, claim] of writes) {
          if (claim) {
            // claim: what was there, or undefined having stored the value
            expect(index.claim(id, value), id).toBe(map.get(id));
            if (!map.has(id)) map.set(id, value);
          } else {
            index.set(id, value);
            map.set(id, value);
          }
        }
        for (const id of [...reads, ...map.keys()]) expect(index.get(id), id).toBe(map.get(id));
      }),
    );
  });
});

describe('IdIndex.lastProcess and lastSeq', () => {
  it('agree with parseRecordId on every id the index slots, and are -1 on the others (parsed again by the caller)', () => {
    fc.assert(
      fc.property(fc.array(idLike, { minLength: 1 }), (ids) => {
        const index = new IdIndex();
        ids.forEach((id, i) => {
          index.claim(id, i);
          const parsed = parseRecordId(id);
          if (index.lastProcess >= 0) {
            expect({ process: index.processName(index.lastProcess), seq: index.lastSeq }, id).toEqual(parsed);
          } else {
            expect(index.lastSeq).toBe(-1);
            // only ids out of the slotted form: not canonical at all, or a seq past 2^31 - 1
            if (parsed !== undefined) expect(parsed.seq, id).toBeGreaterThan(2 ** 31 - 1);
          }
        });
      }),
    );
  });
});
