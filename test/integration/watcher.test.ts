import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HistoryRecorder } from '../../src/history/recorder.js';
import type { SeenEntry } from '../../src/history/types.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import { sleep, waitFor } from '../../src/util/time.js';
import { Watcher } from '../../src/workload/watcher.js';
import { testKafka } from '../helpers/kafka-client.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment;
beforeAll(async () => {
  env = await sharedCluster();
});
afterAll(async () => restoreCluster(env));

/**
 * The watcher reads with its own Fetch requests and decodes record batches itself. Against
 * real Kafka: lz4-compressed batches (the `events` topic), committed and aborted transactions
 * (only committed records are seen), and a killed broker, which must not blind it for the
 * partitions other brokers lead.
 */
describe('the watcher', () => {
  it('sees committed records (lz4, transactional), never aborted ones, and keeps seeing while a broker is down', async () => {
    const topic = 'events';
    const history = new HistoryRecorder(join(inject('testRoot'), 'watcher-history.jsonl'));
    const watcher = new Watcher(topic, env.observer, env.topology.brokers, history, () => undefined, 'test-id');
    const kafka = testKafka(env.topology.bootstrap);
    const tx = kafka.producer({ transactionalId: `watcher-test-${Date.now()}`, idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    const send = async (ids: string[], commit: boolean): Promise<void> => {
      const t = await tx.transaction();
      for (const id of ids) await t.send({ topic, messages: [{ key: id, value: `value of ${id}`, headers: { 'test-id': id } }] });
      if (commit) await t.commit();
      else await t.abort();
    };
    try {
      await watcher.start();
      const committed = Array.from({ length: 30 }, (_, i) => `committed-${i}`);
      await send(committed.slice(0, 15), true);
      await send(['aborted-1', 'aborted-2', 'aborted-3'], false);
      await send(committed.slice(15), true);
      const seenIds = (): string[] => history.entries().flatMap((e) => (e.type === 'seen' ? (e as SeenEntry).ids.filter((x): x is string => x !== null) : []));
      await waitFor(async () => committed.every((id) => seenIds().includes(id)), {
        what: 'the watcher to see every committed record',
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      await sleep(500);
      expect(seenIds().filter((id) => id.startsWith('aborted-'))).toEqual([]);
      expect(new Set(seenIds()).size).toBe(seenIds().length); // each record seen once

      // a broker down: records on partitions led by the others are still seen, promptly
      const leaders = (await env.observer.view([topic])).topics[0]!.partitions;
      const victim = leaders[0]!.leader;
      const survivor = leaders.find((p) => p.leader !== victim);
      await env.kill(`broker-${victim}`);
      const plain = kafka.producer({ idempotent: false });
      await plain.connect();
      if (survivor !== undefined) {
        await plain.send({
          topic,
          acks: 1,
          messages: [{ key: 'k', value: 'v', partition: survivor.partition, headers: { 'test-id': 'committed-while-down' } }],
        });
        // readable only once the high watermark passes it: when the dead follower leaves the ISR
        await waitFor(
          async () => !(await env.observer.view([topic])).topics[0]!.partitions.find((p) => p.partition === survivor.partition)!.isr.includes(victim),
          { what: `broker-${victim} to leave the ISR of ${topic}-${survivor.partition}`, timeoutMs: 30_000, intervalMs: 50 },
        );
        const readable = Date.now();
        await waitFor(async () => seenIds().includes('committed-while-down'), {
          what: 'a record on a surviving leader to be seen',
          timeoutMs: 10_000,
          intervalMs: 20,
        });
        expect(Date.now() - readable).toBeLessThan(1500); // the dead broker blinds the watcher for its own partitions only
      }
      await plain.disconnect();
    } finally {
      await watcher.stop();
      await tx.disconnect().catch(() => undefined);
      await history.close();
    }
  });
});
