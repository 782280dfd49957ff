import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fixConsumerStopRace } from '../../src/cluster/kafkajs-stop-race.js';

/*
 * kafkajs's own consumer Runner (its fetch manager and fetchers), on a fake consumer group: a
 * broker leading some of its partitions goes away, the fetchers rebalance, and the consumer is
 * stopped while they do. Unfixed, the fetchers made by that rebalance spin on Runner.fetch
 * (`return []` once stopped) and no timer fires again; here a guard around fetch breaks such
 * a spin after many calls, so that a regression fails this test instead of freezing it.
 */

interface RunnerLike {
  running: boolean;
  consuming: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type RunnerClass = (new (options: Record<string, unknown>) => RunnerLike) & { prototype: { fetch: (nodeId: number) => Promise<unknown[]> } };

const Runner = createRequire(import.meta.url)('kafkajs/src/consumer/runner.js') as RunnerClass;
const noop = (): void => undefined;
const logger = { namespace: () => logger, debug: noop, info: noop, warn: noop, error: noop };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const SPIN = 100_000;

describe('kafkajs: a consumer stopped while its fetchers rebalance', () => {
  it('stops, and the event loop stays free (fixConsumerStopRace)', async () => {
    fixConsumerStopRace();
    fixConsumerStopRace(); // idempotent
    const fixed = Runner.prototype.fetch;
    let calls = 0;
    Runner.prototype.fetch = function (this: RunnerLike, nodeId: number) {
      if (++calls > SPIN) return Promise.reject(new Error('spinning')); // a regression: end the spin, fail below
      return fixed.call(this, nodeId);
    };
    try {
      let nodes = [1, 2, 3];
      const group = {
        groupId: 'g',
        memberId: 'm',
        connect: async () => undefined,
        joinAndSync: async () => undefined,
        leave: async () => undefined,
        heartbeat: async () => undefined,
        getNodeIds: () => nodes,
        // broker 1 answers at once; 2 and 3 hold a long poll
        fetch: async (nodeId: number) => {
          await sleep(nodeId === 1 ? 5 : 300);
          return [];
        },
      };
      const runner = new Runner({
        logger,
        consumerGroup: group,
        instrumentationEmitter: { emit: noop },
        eachMessage: async () => undefined,
        heartbeatInterval: 1000,
        onCrash: noop,
        retry: { retries: 3, initialRetryTime: 20, maxRetryTime: 50 },
        concurrency: 1,
      });
      await runner.start();
      await sleep(50);
      nodes = [1, 2]; // broker 3 was killed: broker 1's next fetch finds the leaders changed, and the fetchers rebalance
      await sleep(50); // …waiting for the long polls of 2 and 3 to end, when the consumer is stopped
      const began = Date.now();
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      await runner.stop();
      await sleep(500); // the fetchers the rebalance made after the stop
      clearInterval(ticker);
      expect(calls).toBeLessThan(SPIN);
      expect(runner.consuming).toBe(false);
      expect(Date.now() - began).toBeLessThan(2000);
      expect(ticks).toBeGreaterThan(20); // timers kept firing all along
    } finally {
      Runner.prototype.fetch = fixed;
    }
  });
});
