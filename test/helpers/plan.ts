import type { Plan } from '../../src/history/plan.js';
import { DEFAULT_RECOVERY } from '../../src/history/slos.js';

/** A small valid plan for handmade histories: one producer on `orders`, no faults unless given. */
export function testPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    name: 'test',
    seed: 1,
    durationMs: 60_000,
    environment: { name: 'local-3', brokers: 3, brokerIds: [1, 2, 3], kafka: '4.3.1', topics: ['orders'], partitions: { orders: 3 }, minIsr: { orders: 2 } },
    judged: [{ input: ['orders'], output: 'orders' }],
    groups: [],
    producers: [
      {
        name: 'producer',
        topic: 'orders',
        rate: 100,
        keys: 10,
        payloadBytes: 100,
        acks: 'all',
        idempotent: true,
        transactional: false,
        instances: 1,
        partitions: 3,
        client: 'librdkafka',
      },
    ],
    timeline: [],
    steadyState: { before: ['cluster-healthy'], after: ['cluster-healthy'] },
    slos: { exactlyOnce: true, orderedPerKey: false, recovery: DEFAULT_RECOVERY },
    ...overrides,
  };
}
