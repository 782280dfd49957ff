import { describeHealth, readHealth } from '../cluster/health.js';
import type { Observer } from '../cluster/observer.js';
import type { Plan } from '../history/plan.js';
import type { SteadyStateProbe } from '../schema/experiment.js';
import { waitFor } from '../util/time.js';

export interface ProbeResult {
  probe: SteadyStateProbe;
  pass: boolean;
  message: string;
}

/**
 * Steady-state probes (Chaos Toolkit's hypothesis), each read through the observer. A probe
 * may take up to `withinMs` to hold (after the faults, the cluster needs time to settle);
 * its result says what it saw last. `brokers`: the ids the environment has (its topology's);
 * the topics and their min.insync.replicas are the plan's.
 */
export async function runProbe(
  probe: SteadyStateProbe,
  observer: Observer,
  plan: Pick<Plan, 'environment' | 'external'>,
  brokers: readonly number[],
  withinMs: number,
): Promise<ProbeResult> {
  const topics = plan.environment.topics;
  let message = '';
  const holds = async (): Promise<boolean> => {
    const h = await readHealth(observer, brokers, topics, plan.external !== undefined);
    switch (probe) {
      case 'cluster-healthy':
        message = describeHealth(h);
        return h.healthy;
      case 'all-brokers-up':
        message = h.missingBrokers.length === 0 ? `all ${brokers.length} brokers up` : `brokers not registered: ${h.missingBrokers.join(', ')}`;
        return h.missingBrokers.length === 0;
      case 'min-isr-met': {
        const partitions = await observer.partitions(topics);
        const short = partitions.filter((p) => p.isr.length < (plan.environment.minIsr[p.topic] ?? 1));
        message =
          short.length === 0
            ? 'every partition has at least min.insync.replicas in sync'
            : `below min.insync.replicas: ${short.map((p) => `${p.topic}-${p.partition}`).join(', ')}`;
        return short.length === 0;
      }
    }
  };
  try {
    await waitFor(holds, { what: probe, timeoutMs: withinMs, intervalMs: 250 });
    return { probe, pass: true, message };
  } catch (e) {
    return { probe, pass: false, message: message || (e instanceof Error ? e.message : String(e)) };
  }
}
