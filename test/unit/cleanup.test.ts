import { describe, expect, it } from 'vitest';
import { once } from '../../src/network/network.js';
import { Cleanup } from '../../src/util/cleanup-stack.js';

describe('Cleanup', () => {
  it('unwinds in reverse order, runs every undo even when one fails, and reports the failures', async () => {
    const order: string[] = [];
    const c = new Cleanup();
    c.defer('a', () => order.push('a'));
    c.defer('b', () => {
      throw new Error('boom');
    });
    c.defer('c', async () => order.push('c'));
    const errors = await c.run();
    expect(order).toEqual(['c', 'a']);
    expect(errors.map((e) => e.message)).toEqual(['cleanup of b failed: boom']);
    expect(await c.run()).toEqual([]);
    expect(order).toEqual(['c', 'a']);
  });
});

describe('heals', () => {
  it('run once however often they are called', async () => {
    let n = 0;
    const heal = once(async () => {
      n++;
    });
    await Promise.all([heal(), heal()]);
    await heal();
    expect(n).toBe(1);
  });

  it('may be retried after a failure', async () => {
    let n = 0;
    const heal = once(async () => {
      if (++n === 1) throw new Error('toxiproxy unreachable');
    });
    await expect(heal()).rejects.toThrow('unreachable');
    await heal();
    await heal();
    expect(n).toBe(2);
  });
});
