import type { Observer, PartitionState } from './observer.js';
import { unhealthyPartitions } from './observer.js';

export interface ClusterHealth {
  liveBrokers: number[];
  missingBrokers: number[];
  missingTopics: string[];
  unhealthy: PartitionState[];
  healthy: boolean;
}

/**
 * One reading of the cluster's health: which expected brokers are alive, which declared
 * topics exist, and which partitions (of every topic, or with `onlyDeclared` of the declared
 * ones: a shared staging cluster's other topics are not ours to judge) lack a leader or a full ISR.
 */
export async function readHealth(observer: Observer, brokers: readonly number[], topics: readonly string[], onlyDeclared = false): Promise<ClusterHealth> {
  const live = await observer.liveBrokers();
  const names = await observer.topicNames();
  const missingTopics = topics.filter((t) => !names.includes(t));
  const judged = onlyDeclared ? names.filter((n) => topics.includes(n)) : names;
  const unhealthy = judged.length === 0 ? [] : unhealthyPartitions(await observer.partitions(judged));
  const missingBrokers = brokers.filter((b) => !live.includes(b));
  return {
    liveBrokers: live,
    missingBrokers,
    missingTopics,
    unhealthy,
    healthy: missingBrokers.length === 0 && missingTopics.length === 0 && unhealthy.length === 0,
  };
}

export function describeHealth(h: ClusterHealth): string {
  const parts: string[] = [];
  if (h.missingBrokers.length > 0) parts.push(`brokers not registered: ${h.missingBrokers.join(', ')}`);
  if (h.missingTopics.length > 0) parts.push(`topics missing: ${h.missingTopics.join(', ')}`);
  if (h.unhealthy.length > 0) {
    const sample = h.unhealthy.slice(0, 5).map((p) => `${p.topic}-${p.partition} (leader ${p.leader}, isr [${p.isr}] of [${p.replicas}])`);
    parts.push(`${h.unhealthy.length} partitions without a full ISR: ${sample.join(', ')}${h.unhealthy.length > 5 ? ', …' : ''}`);
  }
  return parts.length === 0 ? 'healthy' : parts.join('; ');
}
