import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUncleanElections } from '../../src/experiment/log-scan.js';
import { selectLinks } from '../../src/network/topology.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import { waitFor } from '../../src/util/time.js';
import { testKafka } from '../helpers/kafka-client.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment;
beforeAll(async () => {
  env = await sharedCluster();
});
afterAll(async () => restoreCluster(env));

const brokerLogs = () => env.nodes().filter((n) => n.kind === 'broker');

describe('the unclean-election monitor', () => {
  it('finds nothing on a healthy cluster, and finds the election when Kafka really elects a replica from outside the ISR', async () => {
    expect(await findUncleanElections(brokerLogs())).toEqual([]);

    // a partition on brokers 1 (leader) and 2 only, unclean elections allowed
    const admin = testKafka(env.topology.bootstrap).admin();
    await admin.connect();
    try {
      // not waitForLeaders: kafkajs gives up when a broker's metadata does not know the new topic yet;
      // the observer's wait below is the one that retries
      await admin.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: 'unclean-test',
            replicaAssignment: [{ partition: 0, replicas: [1, 2] }],
            configEntries: [
              { name: 'unclean.leader.election.enable', value: 'true' },
              { name: 'min.insync.replicas', value: '1' },
            ],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    const state = async () => (await env.observer.partitions(['unclean-test']))[0]!;
    await waitFor(async () => (await state()).leader === 1 && (await state()).isr.length === 2, {
      what: 'unclean-test led by broker 1 with a full ISR',
      timeoutMs: 30_000,
    });

    // broker 2 can no longer fetch from broker 1. A follower that cannot fetch stays in the ISR
    // while it has everything the leader has, so a record written (acks=1) after the cut is what
    // makes it fall behind and leave, replica.lag.time.max.ms (10 s) later. Then broker 1 dies.
    const heal = await env.network.cut(selectLinks(env.topology, { from: 2, to: 1, kind: 'replication' }));
    const producer = testKafka(env.topology.bootstrap).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: 'unclean-test', acks: 1, messages: [{ key: 'k', value: 'written only to broker 1' }] });
    } finally {
      await producer.disconnect();
    }
    await waitFor(async () => (await state()).isr.join() === '1', { what: 'broker 2 to leave the ISR of unclean-test', timeoutMs: 60_000, intervalMs: 500 });
    await env.kill('broker-1');
    await waitFor(async () => (await state()).leader === 2, { what: 'broker 2, out of the ISR, to be elected', timeoutMs: 60_000, intervalMs: 500 });
    await heal();

    const found = await findUncleanElections(brokerLogs());
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.line).toMatch(/using an unclean election/);
  });
});
