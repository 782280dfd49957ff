import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeKafka } from '../../src/cluster/probe.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import type { Topology } from '../../src/network/topology.js';
import { testKafka } from '../helpers/kafka-client.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment<Topology>;
beforeAll(async () => {
  env = await sharedCluster();
});
afterAll(async () => restoreCluster(env));

describe('a 3-broker KRaft cluster behind Toxiproxy', () => {
  it('is up and healthy: every broker registered, topics as declared, every ISR full', async () => {
    expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
    const partitions = await env.observer.partitions(['orders', 'events']);
    expect(partitions.filter((p) => p.topic === 'orders')).toHaveLength(6);
    expect(partitions.filter((p) => p.topic === 'events')).toHaveLength(3);
    for (const p of partitions) {
      expect(p.replicas).toEqual([1, 2, 3]);
      expect(p.isr).toEqual([1, 2, 3]);
      expect(p.leader).toBeGreaterThan(0);
    }
    expect(await env.observer.topicConfig('orders', ['min.insync.replicas'])).toEqual({ 'min.insync.replicas': '2' });
    expect(await env.observer.topicConfig('events', ['compression.type'])).toEqual({ 'compression.type': 'lz4' });
  });

  it('has every link proxy in Toxiproxy, enabled, with no toxics', async () => {
    const state = await env.network.state();
    expect(state).toHaveLength(15);
    expect(state.every((s) => s.enabled && s.toxics.length === 0)).toBe(true);
  });

  it('advertises the client link proxies to clients', async () => {
    const admin = testKafka(env.topology.bootstrap).admin();
    await admin.connect();
    try {
      const { brokers } = await admin.describeCluster();
      expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(env.topology.bootstrap.split(',').sort());
    } finally {
      await admin.disconnect();
    }
  });

  it('serves kafkajs through the client links: idempotent, transactional, read_committed (Kafka 4.3.1 protocol)', async () => {
    const kafka = testKafka(env.topology.bootstrap);
    const run = randomUUID();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const tx = kafka.producer({ transactionalId: `test-${run}`, idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([producer.connect(), tx.connect()]);
    const sent = new Set<string>();
    try {
      const batch = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 7}`, value: `${run}-plain-${i}` }));
      await producer.send({ topic: 'events', acks: -1, messages: batch });
      for (const m of batch) sent.add(m.value);

      const committed = await tx.transaction();
      const good = Array.from({ length: 10 }, (_, i) => ({ key: 'tx', value: `${run}-committed-${i}` }));
      await committed.send({ topic: 'events', messages: good });
      await committed.commit();
      for (const m of good) sent.add(m.value);

      const aborted = await tx.transaction();
      await aborted.send({ topic: 'events', messages: Array.from({ length: 5 }, (_, i) => ({ key: 'tx', value: `${run}-aborted-${i}` })) });
      await aborted.abort();
    } finally {
      await Promise.all([producer.disconnect(), tx.disconnect()]);
    }

    const consumer = kafka.consumer({ groupId: `test-${run}`, readUncommitted: false, sessionTimeout: 10000, heartbeatInterval: 1000 });
    await consumer.connect();
    const seen: string[] = [];
    try {
      await consumer.subscribe({ topic: 'events', fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${sent.size} records in 60 s`)), 60_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const value = message.value?.toString() ?? '';
            if (!value.startsWith(run)) return;
            seen.push(value);
            if (seen.filter((v) => !v.includes('aborted')).length >= sent.size) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    expect(new Set(seen)).toEqual(sent);
    expect(seen.some((v) => v.includes('aborted'))).toBe(false);
  });

  it('sends client traffic only through the proxies: with every client link cut, clients fail and the observer still sees all', async () => {
    const heal = await env.network.cut(env.topology.links.filter((l) => l.kind === 'client'));
    try {
      for (const b of env.topology.brokers) {
        expect(await probeKafka(b.clientLink, 1000)).toBe(false);
        expect(await probeKafka(b.observer, 1000)).toBe(true);
      }
      const admin = testKafka(env.topology.bootstrap).admin();
      await expect(admin.connect()).rejects.toThrow();
      expect(await env.observer.liveBrokers()).toEqual([1, 2, 3]);
    } finally {
      await heal();
    }
    for (const b of env.topology.brokers) expect(await probeKafka(b.clientLink, 2000)).toBe(true);
  });
});
