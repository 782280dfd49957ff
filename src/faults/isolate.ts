import { selectLinks } from '../network/topology.js';
import type { Fault } from './fault.js';
import { brokerLinks, linkNames } from './links.js';
import { resolveBroker } from './targets.js';

/**
 * Network partition around one broker: from everyone (clients and peers), from its peers only
 * (clients still reach it: a split-brain attempt), or from clients only (replication goes on).
 * Links are cut: connections reset, new ones refused. The heal restores them.
 */
export const isolate: Fault<'isolate'> = {
  kind: 'isolate',
  async inject(spec, ctx) {
    const id = await resolveBroker(spec.target, ctx);
    const links =
      spec.from === 'clients'
        ? selectLinks(ctx.topology, { from: 'client', to: id })
        : brokerLinks(ctx, id, spec.from === 'peers' ? 'peers' : 'all');
    const heal = await ctx.network.cut(links);
    return { target: `broker-${id} from ${spec.from} (${linkNames(links)})`, heal };
  },
};
