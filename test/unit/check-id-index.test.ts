import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/check/id-index.js';
import { orderOf } from '../../src/check/order-of.js';
import { parseRecordId } from '../../src/history/types.js';

// Ids that look alike: canonical ones, leading zeros, empty or huge seqs, colons in the process.
const idLike = fc
  .tuple(fc.constantFrom('p', 'p:q', 'producer-1', '', ':'), fc.constantFrom(':', '', '::'), fc.constantFrom('0', '1', '01', '001', '', '12a', '4294967296', '2147483647', ' 1', '1e3'))
  .map(([process, colon, seq]) => `${process}${colon}${seq}`);

describe('IdIndex', () => {
  it('keeps distinct ids apart, as a Map would', () => {
    const index = new IdIndex<number>();
    const ids = ['p:1', 'p:01', 'p:', 'p:0', 'p:q:1', 'p', ':1', 'p:2147483648', 'p:99999999999'];
    ids.forEach((id, i) => index.set(id, i));
    ids.forEach((id, i) => expect(index.get(id), id).toBe(i));
    expect(index.get('p:2')).toBeUndefined();
    expect(index.get('q:1')).toBeUndefined();
  });

  it('answers like a Map for any mix of ids', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(idLike, fc.nat())), fc.array(idLike), (writes, reads) => {
        const index = new IdIndex<number>();
        const map = new Map<string, number>();
        for (const [id, value] of writes) {
          index.set(id, value);
          map.set(id, value);
        }
        for (const id of [...reads, ...map.keys()]) expect(index.get(id), id).toBe(map.get(id));
      }),
    );
  });
});

describe('orderOf', () => {
  it('agrees with parseRecordId whoever sent the id', () => {
    fc.assert(
      fc.property(idLike, fc.constantFrom('p', 'p:q', 'producer-1', ''), (id, sender) => {
        expect(orderOf(id, sender)).toEqual(parseRecordId(id));
      }),
    );
  });
});
