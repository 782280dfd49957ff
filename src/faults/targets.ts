import { activeController, findCoordinator } from '../cluster/roles.js';
import { EnvironmentError } from '../errors.js';
import type { TargetRule } from '../schema/experiment.js';
import { waitFor } from '../util/time.js';
import type { FaultContext } from './fault.js';

/**
 * Resolves a broker target rule to broker ids, now, through the observer: roles move during a
 * run, so "the leader of orders-0" means the leader at the moment of injection.
 */
export async function resolveBrokers(rule: TargetRule, ctx: FaultContext): Promise<number[]> {
  // on a user's Toxiproxy, the brokers within reach are those its declared proxies reach (as `plan` draws them)
  const ids =
    ctx.topology.userOwned === true
      ? [...new Set(ctx.topology.links.flatMap((l) => (l.from === 'client' ? [l.to] : [l.from, l.to])))].sort((a, b) => a - b)
      : ctx.topology.brokers.map((b) => b.id);
  switch (rule.type) {
    case 'broker':
      return [rule.id];
    case 'all-brokers':
      return ids;
    case 'random-broker':
      return [ctx.random.pick(ids)];
    case 'controller':
      return [await askAnyBroker(ctx, 'the active controller', (address) => activeController(address))];
    case 'group-coordinator':
      return [await askAnyBroker(ctx, `the coordinator of group ${rule.group}`, (a) => findCoordinator(a, 'group', rule.group))];
    case 'transaction-coordinator':
      return [
        await askAnyBroker(ctx, `the coordinator of transaction ${rule.transactionalId}`, (a) => findCoordinator(a, 'transaction', rule.transactionalId)),
      ];
    case 'leader':
    case 'follower': {
      const p = (await ctx.observer.partitions([rule.topic])).find((x) => x.partition === rule.partition);
      if (p === undefined || p.leader < 0) throw new EnvironmentError(`${rule.topic}-${rule.partition} has no leader to target`);
      if (rule.type === 'leader') return [p.leader];
      const followers = (p.isr.length > 1 ? p.isr : p.replicas).filter((b) => b !== p.leader);
      if (followers.length === 0) throw new EnvironmentError(`${rule.topic}-${rule.partition} has no follower to target`);
      return [ctx.random.pick(followers)];
    }
    case 'processor':
    case 'random-processor':
      throw new EnvironmentError(`a processor is not a broker (${rule.type})`);
  }
}

export async function resolveBroker(rule: TargetRule, ctx: FaultContext): Promise<number> {
  const [id] = await resolveBrokers(rule, ctx);
  if (id === undefined) throw new EnvironmentError('the target resolved to no broker');
  return id;
}

async function askAnyBroker(ctx: FaultContext, what: string, ask: (address: string) => Promise<number>): Promise<number> {
  return waitFor(
    async () => {
      for (const b of ctx.topology.brokers) {
        try {
          const id = await ask(b.observer);
          if (id >= 0) return id;
        } catch {
          // this broker is down or not ready to say; ask the next
        }
      }
      return undefined;
    },
    { what, timeoutMs: 30_000, intervalMs: 500 },
  );
}
