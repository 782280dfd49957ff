import { selectLinks } from '../network/topology.js';
import type { Fault } from './fault.js';
import { brokerLinks, declaredLinks, linkNames } from './broker-links.js';
import { resolveBrokers } from './targets.js';

/**
 * Network partition around one broker (or all of them): from everyone (clients and peers),
 * from its peers only (clients still reach it: a split-brain attempt), or from clients only
 * (replication goes on; for all brokers, the clients lose the whole cluster). Links are cut:
 * connections reset, new ones refused. The heal restores them.
 */
export const isolate: Fault<'isolate'> = {
  kind: 'isolate',
  async inject(spec, ctx) {
    const ids = await resolveBrokers(spec.target, ctx);
    const links = [
      ...new Set(
        ids.flatMap((id) =>
          spec.from === 'clients'
            ? declaredLinks(ctx.topology, selectLinks(ctx.topology, { from: 'client', to: id }), `clients → broker ${id}`)
            : brokerLinks(ctx, id, spec.from === 'peers' ? 'peers' : 'all'),
        ),
      ),
    ];
    const heal = await ctx.network.cut(links);
    const who = ids.length === 1 ? `broker-${ids[0]}` : `brokers ${ids.join(', ')}`;
    return { target: `${who} from ${spec.from} (${linkNames(links)})`, heal };
  },
};
