import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadEnvironment as loadAny } from '../../src/schema/load-environment.js';
import { managedOnly, type ManagedEnvironmentSpec } from '../../src/schema/environment.js';

const loadEnvironment = async (file: string): Promise<ManagedEnvironmentSpec> => managedOnly(await loadAny(file), 'test');

const shipped = (name: string): string => fileURLToPath(new URL(`../../environments/${name}`, import.meta.url));

describe('shipped environments', () => {
  it('local-3.yaml: three brokers, Kafka 4.3.1, two replicated topics', async () => {
    const env = await loadEnvironment(shipped('local-3.yaml'));
    expect(env.name).toBe('local-3');
    expect(env.runtime).toBe('process');
    expect(env.kafka).toEqual({ version: '4.3.1' });
    expect(env.brokers.count).toBe(3);
    expect(env.brokers.heap).toBe('512m');
    expect(env.brokers.jvmOptions).toEqual([]);
    expect(env.brokers.config['unclean.leader.election.enable']).toBe('false');
    expect(env.ports).toEqual({ base: 29000 });
    const config = { 'min.insync.replicas': '2', 'compression.type': 'lz4', 'retention.ms': '3600000' };
    expect(env.topics).toEqual([
      { name: 'orders', partitions: 6, replicationFactor: 3, config },
      { name: 'orders-processed', partitions: 6, replicationFactor: 3, config },
    ]);
  });

  it('single.yaml: one broker, two unreplicated topics', async () => {
    const env = await loadEnvironment(shipped('single.yaml'));
    expect(env.name).toBe('single');
    expect(env.runtime).toBe('process');
    expect(env.kafka).toEqual({ version: '4.3.1' });
    expect(env.brokers.count).toBe(1);
    expect(env.brokers.config['offsets.topic.replication.factor']).toBe('1');
    expect(env.ports).toEqual({ base: 29000 });
    const config = { 'min.insync.replicas': '1' };
    expect(env.topics).toEqual([
      { name: 'orders', partitions: 3, replicationFactor: 1, config },
      { name: 'orders-processed', partitions: 3, replicationFactor: 1, config },
    ]);
  });
});
