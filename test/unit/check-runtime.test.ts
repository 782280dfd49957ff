import { describe, expect, it } from 'vitest';
import { measure } from '../../src/check/measure.js';
import { ENVIRONMENT_UP, type HistoryEntry } from '../../src/history/types.js';

describe('the runtime a run recorded', () => {
  it('is read from the environment-up note, with what ran each kind of node', () => {
    const history: HistoryEntry[] = [
      {
        type: 'event',
        kind: 'note',
        time: 1,
        name: ENVIRONMENT_UP,
        detail: {
          runtime: 'docker',
          broker: 'streamchaos/kafka:4.3.1 (local equivalent of apache/kafka:4.3.1)',
          toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
        },
      },
    ];
    expect(measure(history).runtime).toEqual({
      name: 'docker',
      nodes: { broker: 'streamchaos/kafka:4.3.1 (local equivalent of apache/kafka:4.3.1)', toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0' },
    });
  });

  it('is absent from a history that never recorded it, and not taken from another note', () => {
    expect(measure([]).runtime).toBeUndefined();
    expect(measure([{ type: 'event', kind: 'note', time: 1, name: 'drained', detail: { runtime: 'docker' } }]).runtime).toBeUndefined();
  });
});
