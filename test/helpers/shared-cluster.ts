import { join } from 'node:path';
import { inject } from 'vitest';
import { readHealth, describeHealth } from '../../src/cluster/health.js';
import { silentProgress } from '../../src/provision/progress.js';
import { ensureTools } from '../../src/provision/tools.js';
import { ProcessRuntime } from '../../src/runtime/process/process-runtime.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import type { Topology } from '../../src/network/topology.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { managedOnly } from '../../src/schema/environment.js';
import { waitFor } from '../../src/util/time.js';

/**
 * One real 3-broker KRaft cluster behind Toxiproxy, shared by every integration test file
 * (they run in one worker, one file at a time). Tests that break it call `restoreCluster`
 * in afterEach, so the next test finds every node running, every link healed, every ISR full.
 * Its ports (base 27000) keep clear of a user's own `env up` on the default 29000.
 */
export const SHARED_ENVIRONMENT = `
name: shared-test
kafka: { version: 4.3.1 }
brokers:
  count: 3
  heap: 384m
ports: { base: 27000 }
topics:
  - name: orders
    partitions: 6
    replicationFactor: 3
    config: { min.insync.replicas: 2 }
  - name: events
    partitions: 3
    replicationFactor: 3
    config: { min.insync.replicas: 2, compression.type: lz4 }
`;

let started: Promise<StartedEnvironment<Topology>> | undefined;

export function sharedCluster(): Promise<StartedEnvironment<Topology>> {
  started ??= (async () => {
    const spec = managedOnly(parseEnvironment(SHARED_ENVIRONMENT, 'shared-test.yaml'), 'the shared test cluster');
    const tools = await ensureTools(spec.kafka.version, silentProgress);
    const env = await new ProcessRuntime(tools).up(spec, { dir: join(inject('testRoot'), 'shared-cluster'), progress: silentProgress });
    process.once('exit', () => void env.down());
    return env;
  })();
  return started;
}

/** Heals every link, resumes or restarts every broker, and waits until the cluster is healthy again. */
export async function restoreCluster(env: StartedEnvironment): Promise<void> {
  await env.network.healAll();
  for (const node of env.nodes()) {
    if (node.kind !== 'broker') continue;
    if (!node.running) await env.restart(node.name);
    else await env.resume(node.name);
  }
  let last = '';
  await waitFor(
    async () => {
      const h = await readHealth(
        env.observer,
        env.topology.brokers.map((b) => b.id),
        env.spec.topics.map((t) => t.name),
      );
      last = describeHealth(h);
      return h.healthy;
    },
    { what: 'the shared cluster to be healthy again', timeoutMs: 90_000, intervalMs: 500, hint: () => last },
  );
}
